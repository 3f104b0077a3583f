// The simulator side of the data-movement kernel API (include/tensim/kernel_api/tensim_kernel.h).
// Every call acts on RiscThread::current(): it charges the RISC's cost for the call, makes its
// local time visible before anything another agent can observe, and checks for misuse.
#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "common/error.hpp"
#include "noc/noc_address.hpp"
#include "tensim/kernel_api/tensim_kernel.h"
#include "tensix/circular_buffer.hpp"
#include "tensix/semaphore.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace {

RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("kernel API called outside a kernel thread");
    return *t;
}

[[noreturn]] void misuse(RiscThread& t, const Loc& loc, const std::string& what) {
    throw KernelError(fmt::format("{}: {}", t.where(loc.file_name(), loc.line()), what));
}

void check_noc(RiscThread& t, uint8_t noc, const Loc& loc) {
    if (noc > 1) misuse(t, loc, fmt::format("NoC index {} does not exist (0 or 1)", noc));
}

// Charges the issue cost of `packets` NoC commands after issuing them at the current cycle. The
// NoC sees the kernel line `loc` while it takes the command (its warnings name it).
template <typename Issue>
void issue(RiscThread& t, const Loc& loc, Issue&& fn) {
    t.sync();
    NocInitiator& ini = t.core().initiator(t.risc());
    struct Site {
        NocInitiator& ini;
        ~Site() { ini.call_site = nullptr; }
    } site{ini};
    ini.call_site = &loc;
    uint32_t packets = fn(t.core().clock().now());
    t.advance(static_cast<Cycle>(packets) * t.noc_issue_cycles());
}

}  // namespace

void kernel_fail(const char* what, const Loc& loc) { misuse(self(), loc, what); }

uint32_t arg_addr(uint32_t idx, bool common, const Loc& loc) {
    RiscThread& t = self();
    return t.core().l1_address(t.runtime_arg_offset(idx, common, loc.file_name(), loc.line()));
}

uint32_t logical_x() { return static_cast<uint32_t>(self().core().logical_x()); }
uint32_t logical_y() { return static_cast<uint32_t>(self().core().logical_y()); }

uint8_t* my_x_array() { return self().core().my_x(); }
uint8_t* my_y_array() { return self().core().my_y(); }

// ---- circular buffers: the protocol lives in sim/tensix/circular_buffer -------------------------

void cb_reserve_back(uint32_t cb, uint32_t n, const Loc& loc) {
    CircularBuffer(self(), cb, loc, "cb_reserve_back").reserve_back(n);
}

void cb_push_back(uint32_t cb, uint32_t n, const Loc& loc) {
    CircularBuffer(self(), cb, loc, "cb_push_back").push_back(n);
}

void cb_wait_front(uint32_t cb, uint32_t n, const Loc& loc) {
    CircularBuffer(self(), cb, loc, "cb_wait_front").wait_front(n);
}

void cb_pop_front(uint32_t cb, uint32_t n, const Loc& loc) {
    CircularBuffer(self(), cb, loc, "cb_pop_front").pop_front(n);
}

bool cb_pages_reservable_at_back(uint32_t cb, uint32_t n) {
    return CircularBuffer(self(), cb, Loc::current(), "cb_pages_reservable_at_back")
        .pages_reservable_at_back(n);
}

bool cb_pages_available_at_front(uint32_t cb, uint32_t n) {
    return CircularBuffer(self(), cb, Loc::current(), "cb_pages_available_at_front")
        .pages_available_at_front(n);
}

uint32_t cb_write_ptr(uint32_t cb) {
    RiscThread& t = self();
    return t.core().l1_address(
        CircularBuffer(t, cb, Loc::current(), "get_write_ptr").local().wr_ptr);
}

uint32_t cb_read_ptr(uint32_t cb) {
    RiscThread& t = self();
    return t.core().l1_address(
        CircularBuffer(t, cb, Loc::current(), "get_read_ptr").local().rd_ptr);
}

uint32_t cb_page_size(uint32_t cb) {
    return CircularBuffer(self(), cb, Loc::current(), "get_tile_size").local().page_size;
}

DataFormat cb_data_format(uint32_t cb) {
    return static_cast<DataFormat>(
        CircularBuffer(self(), cb, Loc::current(), "get_dataformat").local().data_format);
}

uint32_t cb_tile_address(uint32_t cb, bool write_ptr, int32_t tile, const Loc& loc) {
    RiscThread& t = self();
    CircularBuffer c(t, cb, loc, "DPRINT TSLICE");
    const LocalCb& l = c.local();
    const uint32_t ptr = write_ptr ? l.wr_ptr : l.rd_ptr;
    // TT-Metal reads the tile at ptr + tile * page size without wrapping; past the FIFO's end
    // that is another CB's (or buffer's) memory, or past L1.
    if (tile < 0 || uint32_t(tile) >= l.num_pages ||
        uint64_t(ptr) + (uint64_t(tile) + 1) * l.page_size > uint64_t(l.fifo_addr) + l.fifo_size)
        c.fail(fmt::format(
            "DPRINT TSLICE(cb {}, tile {}): the tile is not in the CB ({} pages; the {} pointer is "
            "at page {}, so tiles 0..{} lie before the CB's end)",
            cb, tile, l.num_pages, write_ptr ? "write" : "read",
            l.page_size ? (ptr - l.fifo_addr) / l.page_size : 0,
            l.page_size ? int64_t((l.fifo_addr + l.fifo_size - ptr) / l.page_size) - 1 : -1));
    return t.core().l1_address(ptr + uint32_t(tile) * l.page_size);
}

// ---- NoC ----------------------------------------------------------------------------------------

void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    issue(t, loc,
          [&](Cycle now) { return t.core().noc_port().read(t, noc, src, dst_l1, size, now); });
}

void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint8_t noc, uint32_t vc,
               const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    if (vc > kNocDynamicVc)
        misuse(t, loc,
               fmt::format("noc_async_write: VC {} out of range (0..15, or NOC_DYNAMIC_VC)", vc));
    const NocVc v{.dynamic = vc == kNocDynamicVc,
                  .number = static_cast<uint8_t>(vc == kNocDynamicVc ? 0 : vc)};
    issue(t, loc,
          [&](Cycle now) { return t.core().noc_port().write(t, noc, src_l1, dst, size, v, now); });
}

void noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests,
                         bool loopback_src, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    issue(t, loc, [&](Cycle now) {
        return t.core().noc_port().multicast(t, noc, src_l1, dst, size, num_dests, loopback_src,
                                             now);
    });
}

void noc_atomic_inc(uint64_t addr, uint32_t incr, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    issue(t, loc, [&](Cycle now) {
        t.core().noc_port().atomic_inc(t, noc, addr, incr, now);
        return 1u;
    });
}

void noc_inline_write(uint64_t addr, uint32_t value, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    issue(t, loc, [&](Cycle now) {
        t.core().noc_port().inline_write(t, noc, addr, value, now);
        return 1u;
    });
}

void noc_barrier(Barrier which, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    NocCounters& c = t.noc_counters(noc);
    // The RISC polls its NoC's counter registers; leaving the loop costs noc_barrier_cycles.
    switch (which) {
        case Barrier::reads:
            t.wait_until([n = &c] { return n->reads == 0; },
                         WaitInfo::at(WaitInfo::read_barrier, noc, 0, loc), WaitsOn::noc_counters);
            break;
        case Barrier::writes:
            t.wait_until([n = &c] { return n->writes_unacked == 0; },
                         WaitInfo::at(WaitInfo::write_barrier, noc, 0, loc), WaitsOn::noc_counters);
            break;
        case Barrier::writes_flushed:
            t.wait_until([n = &c] { return n->writes_unsent == 0; },
                         WaitInfo::at(WaitInfo::writes_flushed, noc, 0, loc),
                         WaitsOn::noc_counters);
            break;
        case Barrier::atomics:
            t.wait_until([n = &c] { return n->atomics == 0; },
                         WaitInfo::at(WaitInfo::atomic_barrier, noc, 0, loc),
                         WaitsOn::noc_counters);
            break;
        case Barrier::all:
            t.wait_until([n = &c] { return n->idle(); },
                         WaitInfo::at(WaitInfo::full_barrier, noc, 0, loc), WaitsOn::noc_counters);
            break;
    }
    t.advance(t.config().noc_barrier_cycles);
}

void noc_set_trid(bool write, uint32_t trid, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    if (trid >= kNocTrids)
        misuse(t, loc, fmt::format("transaction id {} out of range (0..{})", trid, kNocTrids - 1));
    NocCmdBufs& b = t.noc_cmd_bufs(noc);
    (write ? b.write_trid : b.read_trid) = trid;  // a register write: within the issue cost
}

void noc_barrier_trid(Barrier which, uint32_t trid, uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    if (trid >= kNocTrids)
        misuse(t, loc, fmt::format("transaction id {} out of range (0..{})", trid, kNocTrids - 1));
    NocCounters& c = t.noc_counters(noc);
    // The RISC polls the NIU's per-id counter (NIU_MST_REQS_OUTSTANDING_ID / write acks by id).
    if (which == Barrier::reads)
        t.wait_until([n = &c, trid] { return n->reads_by_trid[trid] == 0; },
                     WaitInfo::at(WaitInfo::read_barrier, noc, trid, loc), WaitsOn::noc_counters);
    else
        t.wait_until([n = &c, trid] { return n->writes_unacked_by_trid[trid] == 0; },
                     WaitInfo::at(WaitInfo::write_barrier, noc, trid, loc), WaitsOn::noc_counters);
    t.advance(t.config().noc_barrier_cycles);
}

uint32_t noc_read_set_state(uint32_t bank_base, uint32_t page_size, uint32_t bank, uint32_t vc,
                            uint8_t noc, const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    if (vc > 15) misuse(t, loc, fmt::format("VC {} out of range (0..15)", vc));
    if (page_size == 0) misuse(t, loc, "DRAM-sharded read state: page size 0");
    NocCmdBufs& b = t.noc_cmd_bufs(noc);
    try {
        b.read_state_addr = t.core().noc_port().bank_noc_addr(true, bank, 0, noc);
    } catch (const KernelError& e) {
        misuse(t, loc, e.what());
    }
    b.read_state_size = page_size;
    b.read_state_vc = vc;
    t.advance(t.noc_issue_cycles());
    return bank_base;
}

void noc_read_with_state(uint32_t src_base, uint32_t src_offset, uint32_t dst_l1, uint8_t noc,
                         const Loc& loc) {
    RiscThread& t = self();
    check_noc(t, noc, loc);
    const NocCmdBufs& b = t.noc_cmd_bufs(noc);
    if (!b.read_state_size)
        misuse(t, loc,
               "noc_async_read_tile_dram_sharded_with_state before "
               "noc_async_read_tile_dram_sharded_set_state on this NoC");
    const uint64_t src = b.read_state_addr + src_base + src_offset;
    issue(t, loc, [&](Cycle now) {
        return t.core().noc_port().read(t, noc, src, dst_l1, b.read_state_size, now);
    });
}

uint64_t noc_xy_addr(uint32_t x, uint32_t y, uint32_t addr, uint8_t noc) {
    // Kernels pass NoC0 coordinates (from the host); the address carries the NoC's own.
    RiscThread& t = self();
    NocPort& p = t.core().noc_port();
    return p.address_layout().unicast(p.noc_x(noc, x, y), p.noc_y(noc, x, y), addr);
}

uint64_t noc_multicast_addr(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end,
                            uint32_t addr, uint8_t noc) {
    RiscThread& t = self();
    NocPort& p = t.core().noc_port();
    return p.address_layout().multicast(p.noc_x(noc, x_start, y_start),
                                        p.noc_y(noc, x_start, y_start), p.noc_x(noc, x_end, y_end),
                                        p.noc_y(noc, x_end, y_end), addr);
}

uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, uint8_t noc) {
    RiscThread& t = self();
    try {
        return t.core().noc_port().bank_noc_addr(dram, bank, addr, noc);
    } catch (const KernelError& e) {
        misuse(t, Loc::current(), e.what());
    }
}

uint32_t num_banks(bool dram) { return self().core().noc_port().num_banks(dram); }
uint32_t bank_page_alignment(bool dram) {
    return self().core().noc_port().bank_page_alignment(dram);
}

// ---- semaphores: sim/tensix/semaphore -----------------------------------------------------------

uint32_t semaphore_addr(uint32_t id) { return semaphore::address(self(), id, Loc::current()); }

void semaphore_set(volatile uint32_t* addr, uint32_t val) {
    semaphore::set(self(), static_cast<uint32_t>(reinterpret_cast<uintptr_t>(addr)), val,
                   Loc::current());
}

void semaphore_wait(volatile uint32_t* addr, uint32_t val, bool at_least, const Loc& loc) {
    semaphore::wait(self(), static_cast<uint32_t>(reinterpret_cast<uintptr_t>(addr)), val, at_least,
                    loc);
}

// ---- debug --------------------------------------------------------------------------------------

void dprint(const char* text, size_t len) {
    RiscThread& t = self();
    std::string& line = t.dprint_buffer();
    line.append(text, len);
    size_t nl;
    while ((nl = line.find('\n')) != std::string::npos) {
        std::printf("%s\n", fmt::format("[{} {} @{}] {}", t.core().name(), risc_name(t.risc()),
                                        t.now(), line.substr(0, nl))
                                .c_str());
        line.erase(0, nl + 1);
    }
    std::fflush(stdout);
}

uint64_t cycle_count() { return self().now(); }
// riscv_wait (declared in dataflow_api.h): silicon spins on the wall clock; the RISC does nothing
// else meanwhile.
void wait_cycles(uint32_t cycles);
void wait_cycles(uint32_t cycles) { self().advance(cycles); }

}  // namespace tensim::kapi
