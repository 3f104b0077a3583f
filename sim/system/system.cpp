#include "system/system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/scheduler.hpp"
#include "tensim/host/tensim.hpp"
#include "tensix/l1_map.hpp"

namespace tensim {

namespace {

void start_kernel_once() {
    static bool started = false;
    if (started) return;
    started = true;
    Scheduler::instance();  // spawns its method before the first sc_start
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
}

std::string describe(RiscThread& t) {
    const WaitInfo& w = t.wait_info();
    TensixCore& c = t.core();
    switch (w.kind) {
        case WaitInfo::cb_reserve:
        case WaitInfo::cb_wait: {
            uint32_t rec = c.word(l1_map::cb_received(w.cb)), ack = c.word(l1_map::cb_acked(w.cb));
            const LocalCb& cb = t.cb(w.cb);
            return fmt::format("{}({}, {}): CB {} holds {} of {} pages (received {}, acked {})",
                               w.kind == WaitInfo::cb_reserve ? "cb_reserve_back" : "cb_wait_front",
                               w.cb, w.count, w.cb, rec - ack, cb.num_pages, rec, ack);
        }
        case WaitInfo::semaphore_eq:
        case WaitInfo::semaphore_min:
            return fmt::format(
                "{}: semaphore at L1 0x{:x} is {}, waiting for {}{}",
                w.kind == WaitInfo::semaphore_eq ? "noc_semaphore_wait" : "noc_semaphore_wait_min",
                w.cb, c.word(w.cb), w.kind == WaitInfo::semaphore_min ? ">= " : "", w.count);
        case WaitInfo::read_barrier:
            return fmt::format("noc_async_read_barrier(noc {}): {} reads outstanding", w.cb,
                               t.noc_counters(w.cb).reads);
        case WaitInfo::write_barrier:
            return fmt::format("noc_async_write_barrier(noc {}): {} writes unacked", w.cb,
                               t.noc_counters(w.cb).writes_unacked);
        case WaitInfo::writes_flushed:
            return fmt::format("noc_async_writes_flushed(noc {}): {} writes unsent", w.cb,
                               t.noc_counters(w.cb).writes_unsent);
        case WaitInfo::atomic_barrier:
            return fmt::format("noc_async_atomic_barrier(noc {}): {} atomics unacked", w.cb,
                               t.noc_counters(w.cb).atomics);
        case WaitInfo::full_barrier:
            return fmt::format("noc_async_full_barrier(noc {})", w.cb);
        case WaitInfo::src_free:
            return "unpack: both SrcA/SrcB banks still hold operands the FPU has not consumed";
        case WaitInfo::src_full:
            return "math: waiting for the unpacker to fill a SrcA/SrcB bank";
        case WaitInfo::dst_free:
            return "tile_regs_acquire: Dst half still owned by the packer (tile_regs_release)";
        case WaitInfo::dst_committed:
            return "tile_regs_wait: math has not committed Dst (tile_regs_commit)";
        case WaitInfo::other:
            return "end of kernel: NoC traffic still in flight";
        case WaitInfo::eth:
            return fmt::format("Ethernet wait: L1 word 0x{:x} is {}, waiting for {}{}", w.cb,
                               c.word(w.cb), w.count == 0xffffffffu ? "a change" : "",
                               w.count == 0xffffffffu ? "" : std::to_string(w.count));
        default:
            return "running, not blocked in any wait (a loop that never ends?)";
    }
}

// ---- L1 below 4 GiB ----
// Kernels use 32-bit L1 addresses as host pointers (sim/common/low_memory.hpp), so every core's
// L1 of every chip lives in one mapping below 4 GiB: the Tensix cores of all chips, chip after
// chip, then the Ethernet tiles'. Windows are the L1 size rounded up to 64 KiB (no power-of-two
// rounding: a Galaxy's 2048 Tensix windows of 1.5 MiB fill 3 GiB exactly), and the mapping starts
// above the largest L1 so that a plain offset is never mistaken for a windowed address.
constexpr uint64_t kWindowAlign = 64 << 10;

uint32_t window_stride(uint32_t l1_bytes) {
    return static_cast<uint32_t>((uint64_t(l1_bytes) + kWindowAlign - 1) & ~(kWindowAlign - 1));
}

struct L1Layout {
    uint64_t tensix_stride, tensix_count, eth_stride, eth_count, min_addr;
    uint64_t tensix_bytes() const { return tensix_stride * tensix_count; }
    uint64_t bytes() const { return tensix_bytes() + eth_stride * eth_count; }
};

// `chips`: how many chips' L1 the mapping holds (all of them in one process; split over ranks, the
// rank's own and one shell, see System::System).
L1Layout l1_layout(const SystemConfig& cfg, int chips) {
    const ChipConfig& c = cfg.chip;
    L1Layout l;
    l.tensix_stride = window_stride(c.tensix.l1_size_bytes());
    l.tensix_count = uint64_t(chips) * cfg.grid_x() * cfg.grid_y();
    l.eth_stride = window_stride(c.eth.l1_size_bytes());
    l.eth_count = uint64_t(chips) * c.eth_tiles.size();
    // Windows start at 256 MiB or above: a kernel's plain L1 offset, or a bad one a little past
    // the end of L1 (0x200000 on a 1.5 MiB core), must never fall inside a window, where it would
    // silently name another core's bytes instead of failing as outside L1.
    l.min_addr = std::max<uint64_t>({l.tensix_stride, l.eth_stride, 256ull << 20});
    return l;
}

std::unique_ptr<LowMemory> map_l1(const SystemConfig& cfg, int chips) {
    const L1Layout l = l1_layout(cfg, chips);
    try {
        return std::make_unique<LowMemory>(l.bytes(), l.min_addr, kWindowAlign);
    } catch (const ConfigError& e) {
        // Say what would fit: the largest Tensix L1 the biggest free range holds.
        uint64_t largest = 0;
        for (const LowRange& r : free_low_ranges(l.min_addr)) largest = std::max(largest, r.size());
        const uint64_t eth = l.eth_stride * l.eth_count;
        const uint64_t per_core = largest > eth ? (largest - eth) / l.tensix_count : 0;
        throw ConfigError(fmt::format(
            "system {} ({} chips mapped x {} Tensix cores with tensix.l1_size_kib={} KiB, {} "
            "Ethernet tiles x {} KiB) needs {} MiB of L1 mapped below 4 GiB (kernel addresses are "
            "32-bit host pointers); {}. At most tensix.l1_size_kib={} fits this many chips; or "
            "split the system over MPI ranks (--mpi, docs/scale-out.md): a rank maps only its own "
            "chips",
            cfg.name, chips, cfg.grid_x() * cfg.grid_y(), cfg.chip.tensix.l1_size_bytes() >> 10,
            cfg.chip.eth_tiles.size(), cfg.chip.eth.l1_size_bytes() >> 10, l.bytes() >> 20,
            e.what(), (per_core & ~(kWindowAlign - 1)) >> 10));
    }
}

}  // namespace

System::System(const SystemConfig& cfg) : m_cfg(cfg) {
    start_kernel_once();
    if (Transport* t = transport(); t && t->size() > 1)
        m_part = std::make_unique<Partition>(*this, *t);
    // Split over ranks, a rank maps the L1 of its own chips and of one shell that every other
    // chip shares: those chips exist for the host program (buffers, planning) but only their
    // owners simulate them, and host writes to them are dropped (src/host/device.cpp), so their
    // bytes are never read here. This is what lets 128 chips over four ranks fit a rank's 4 GiB.
    std::vector<int> slot(static_cast<size_t>(cfg.num_chips));
    int mapped = 0;
    for (int i = 0; i < cfg.num_chips; ++i)
        if (is_local(i)) slot[static_cast<size_t>(i)] = mapped++;
    const int shell = mapped;
    if (m_part) ++mapped;
    for (int i = 0; i < cfg.num_chips; ++i)
        if (!is_local(i)) slot[static_cast<size_t>(i)] = shell;
    m_l1 = map_l1(cfg, mapped);
    // Room for what a run grows (NoC link intervals, queued callbacks, payloads: ~6 MiB in the
    // 2048^3 matmul on one chip) on huge pages, so its first touches are not one fault per 4 KiB.
    reserve_host_heap((size_t{32} << 20) * static_cast<size_t>(mapped));
    const L1Layout l = l1_layout(cfg, mapped);
    const uint64_t base = reinterpret_cast<uintptr_t>(m_l1->data());
    // One window per kind for the whole system: an address a kernel took on one chip names the
    // same L1 offset on every other (as on silicon, where every chip has the same layout).
    const L1Window tensix_window{static_cast<uint32_t>(base),
                                 static_cast<uint32_t>(l.tensix_stride),
                                 static_cast<uint32_t>(l.tensix_count)};
    const L1Window eth_window{static_cast<uint32_t>(base + l.tensix_bytes()),
                              static_cast<uint32_t>(l.eth_stride),
                              static_cast<uint32_t>(l.eth_count)};
    const uint64_t per_chip = l.tensix_count / static_cast<uint64_t>(mapped);
    const uint64_t eth_per_chip = l.eth_count / static_cast<uint64_t>(mapped);
    for (int i = 0; i < cfg.num_chips; ++i) {
        const uint64_t at = static_cast<uint64_t>(slot[static_cast<size_t>(i)]);
        ChipL1 mem{m_l1->data() + at * per_chip * l.tensix_stride, tensix_window,
                   m_l1->data() + l.tensix_bytes() + at * eth_per_chip * l.eth_stride, eth_window};
        m_chips.push_back(std::make_unique<Chip>(cfg, i, mem));
    }
    // Each link is two independent directions, each owned by its sending port.
    for (const auto& l : cfg.eth_links) {
        const EthConfig link = l.config(cfg.chip.eth);
        for (int side = 0; side < 2; ++side) {
            Chip& from = chip(l.chips[side]);
            EthTile& tx = from.eth(l.channels[side]);
            const int to_chip = l.chips[1 - side], to_channel = l.channels[1 - side];
            tx.connect(chip(to_chip).eth(to_channel), link, l.dispatch);
            from.stats().add(tx.tx()->stats());
            // A link that crosses ranks: the sender's rank times the packets, the receiver's
            // rank lands them (sim/system/partition.hpp).
            if (m_part && is_local(from.id()) && !is_local(to_chip))
                tx.tx()->set_remote([this, to_chip, to_channel](Cycle drained, uint64_t offset,
                                                                std::vector<uint8_t> bytes) {
                    m_part->send({drained, to_chip, to_channel, offset, std::move(bytes)}, now());
                });
        }
    }
}

System::~System() {
    m_part.reset();
    for (auto& c : m_chips) c->shutdown_threads();
    // Let every firmware process observe the shutdown and return before its objects go away. A
    // thread in a timed wait needs simulated time to pass first.
    auto all_finished = [this] {
        for (auto& c : m_chips)
            if (!c->threads_finished()) return false;
        return true;
    };
    Scheduler& s = Scheduler::instance();
    for (int i = 0; i < 1000 && !all_finished(); ++i)
        s.run_to(s.now_ps() + 1'000'000, false);  // 1 us at a time
    if (!all_finished()) {
        // Freeing them would leave SystemC resuming into freed memory; leaking is the safe choice.
        log::system().warn("firmware threads did not stop; leaking the system");
        for (auto& c : m_chips) (void)c.release();
        m_l1->release();
    }
    m_chips.clear();
}

void System::stop_run() { Scheduler::instance().stop(); }

std::string System::waiting_report() {
    std::string r;
    // Chip by chip, so a hang across chips reads as each chip's part of it.
    for (auto& chip : m_chips) {
        std::string part;
        for (TensixCore* core : chip->cores())
            for (uint32_t i = 0; i < core->config().riscs; ++i) {
                RiscThread& t = core->thread(static_cast<Risc>(i));
                if (!t.running()) continue;
                const WaitInfo& w = t.wait_info();
                std::string at = w.file ? fmt::format(" at {}:{}", w.file, w.line) : "";
                part += fmt::format("  {} {} kernel {}{}: {} (since cycle {})\n", core->name(),
                                    core->is_eth() ? "ERISC" : risc_name(t.risc()),
                                    t.kernel().kernel_name, at, describe(t), t.wait_since());
            }
        if (!part.empty() && m_chips.size() > 1) r += fmt::format(" chip{}:\n", chip->id());
        r += part;
    }
    return r;
}

void System::run_until(const std::function<bool()>& done, Cycle limit_cycles,
                       const std::function<void()>& tick, Cycle tick_cycles) {
    const ClockDomain& clk = m_cfg.chip.clock;
    Scheduler& s = Scheduler::instance();
    Cycle deadline = clk.now() + limit_cycles;
    std::string poked_state;  // the waiting report when every waiter was last woken
    while (!done()) {
        Cycle now = clk.now();
        if (now >= deadline)
            throw DeadlockError(
                fmt::format("time limit of {} cycles reached at cycle {}; still running:\n{}",
                            limit_cycles, now, waiting_report()));
        const Cycle span = tick ? std::min(deadline - now, tick_cycles) : deadline - now;
        const uint64_t until = s.now_ps() + span * clk.period_ps();
        s.run_to(until, false);
        if (tick) tick();
        if (done()) continue;
        if (s.next_ps() != Scheduler::kNever) {
            // Time stays at the last step run when the next one lies beyond the span (a long NoC
            // transfer, a kernel's long local time): move it to the span's end so the limit and
            // the next tick are reached instead of asking again.
            if (s.now_ps() < until && s.next_ps() > until) s.run_to(until, true);
            continue;
        }
        // Nothing is scheduled. A kernel may have changed L1 by a plain store that notified no
        // one: wake every waiter to re-check; if that changes nothing, it is a deadlock.
        std::string state = waiting_report();
        if (state == poked_state)
            throw DeadlockError(fmt::format(
                "deadlock at cycle {}: no thread can make progress:\n{}", clk.now(), state));
        poked_state = state;
        for (auto& chip : m_chips)
            for (TensixCore* core : chip->cores()) core->notify_changed();
    }
}

}  // namespace tensim
