// The simulator side of the ERISC kernel API (include/tensim/kernel_api/tensim_eth.h): finds the
// running ERISC and forwards to its Ethernet tile (sim/eth). Each call charges the ERISC's cost,
// makes its local time visible before the link or the other chip can observe it, and names the
// kernel line on misuse.
#include <fmt/format.h>

#include "common/error.hpp"
#include "eth/eth_tile.hpp"
#include "tensim/kernel_api/tensim_eth.h"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace {

RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("kernel API called outside a kernel thread");
    return *t;
}

// The running thread's Ethernet tile; a KernelError on a Tensix core.
EthTile& tile_of(RiscThread& t, const Loc& loc, const char* call) {
    if (EthTile* e = t.core().eth()) return *e;
    throw KernelError(
        fmt::format("{}: {} is an Ethernet (ERISC) call; this kernel runs on a "
                    "Tensix core",
                    t.where(loc.file_name(), loc.line()), call));
}

uint32_t offset_of(RiscThread& t, volatile uint32_t* addr, const Loc& loc) {
    auto off = t.core().l1_offset(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(addr)), 4);
    if (!off)
        throw KernelError(fmt::format("{}: L1 word 0x{:x} is outside this core's L1",
                                      t.where(loc.file_name(), loc.line()),
                                      reinterpret_cast<uintptr_t>(addr)));
    return *off;
}

}  // namespace

uint32_t eth_info_addr(const Loc& loc) {
    RiscThread& t = self();
    tile_of(t, loc, "erisc_info");
    return t.core().l1_address(eth_l1_map::erisc_info);
}

uint32_t eth_l1_ptr(uint32_t l1_offset, const Loc& loc) {
    RiscThread& t = self();
    tile_of(t, loc, "eth_l1_ptr");
    if (l1_offset >= t.core().l1_size())
        throw KernelError(fmt::format("{}: 0x{:x} is outside ERISC L1",
                                      t.where(loc.file_name(), loc.line()), l1_offset));
    return t.core().l1_address(l1_offset);
}

void eth_send(uint32_t src, uint32_t dst, uint32_t bytes, const Loc& loc) {
    RiscThread& t = self();
    EthTile& e = tile_of(t, loc, "eth_send_packet");
    const std::string who = t.where(loc.file_name(), loc.line());
    if (bytes == 0 || bytes % 16 || src % 16 || dst % 16)
        throw KernelError(fmt::format(
            "{}: Ethernet send of {} B from 0x{:x} to 0x{:x}: sizes and addresses must be "
            "multiples of 16 B",
            who, bytes, src, dst));
    t.sync();
    // One command register: the queue takes the next command once the last has been handed to
    // the link (its last wire packet started).
    const Cycle now = t.core().clock().now();
    if (e.txq_free() > now) {
        t.advance(e.txq_free() - now);
        t.sync();
    }
    const Cycle issue = e.config().cmd_issue_cycles;
    e.send(src, dst, bytes, t.core().clock().now() + issue, who);
    t.advance(issue);
}

bool eth_txq_busy(const Loc& loc) {
    RiscThread& t = self();
    EthTile& e = tile_of(t, loc, "eth_txq_is_busy");
    return e.txq_busy(t.now());
}

void eth_wait_word(volatile uint32_t* addr, uint32_t value, EthCond cond, const Loc& loc) {
    RiscThread& t = self();
    const uint32_t off = offset_of(t, addr, loc);
    const auto pred = [w = &t.core().word(off), value, cond] {
        const uint32_t v = *w;
        return cond == EthCond::eq ? v == value : cond == EthCond::ne ? v != value : v >= value;
    };
    t.wait_until(pred, WaitInfo::at(WaitInfo::eth, off, value, loc));
    // The pass of the polling loop that reads the word and leaves.
    if (EthTile* e = t.core().eth()) t.advance(e->config().poll_cycles);
}

void eth_poll(const Loc& loc) {
    RiscThread& t = self();
    TensixCore& core = t.core();
    const uint64_t seen = core.changes();
    const auto pred = [c = &core, seen] { return c->changes() != seen; };
    t.wait_until(pred, WaitInfo::at(WaitInfo::eth, 0, 0xffffffffu, loc));
    // The pass of the polling loop that notices the change.
    if (EthTile* e = t.core().eth()) t.advance(e->config().poll_cycles);
}

}  // namespace tensim::kapi
