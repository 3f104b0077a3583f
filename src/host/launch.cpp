// Launching a program: place its CBs in L1, check what must fit, build its kernels, write runtime
// args, semaphores and CB state into each core's L1, start the firmware threads and run the
// simulation until every kernel has ended, failed or hung.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "common/low_memory.hpp"
#include "host/device_impl.hpp"
#include "host/program_impl.hpp"
#include "numerics/fidelity.hpp"
#include "report/progress.hpp"
#include "tensix/l1_map.hpp"

namespace tensim::host {

namespace fs = std::filesystem;

using tt::tt_metal::DataMovementConfig;

namespace {

// One CB index as placed on one core.
struct PlacedCb {
    uint32_t address = 0, size = 0, page_size = 0;
    tt::DataFormat format = tt::DataFormat::Invalid;
    bool on_buffer = false;  // set_globally_allocated_address: its pages hold the buffer's data
};
using CoreCbs = std::map<uint32_t, PlacedCb>;  // index -> placement

struct Placement {
    std::map<CoreCoord, CoreCbs> cbs;
};

std::string core_str(const CoreCoord& c) { return fmt::format("({},{})", c.x, c.y); }

// CBs grow up from the unreserved base; each config takes the same address on all its cores (the
// highest free one among them), as TT-Metal allocates them. L1 buffers sit above, allocated
// top-down.
Placement place_cbs(ProgramImpl& p, DeviceImpl& dev) {
    const ChipConfig& cfg = dev.system().config().chip;
    const uint64_t align = cfg.noc.l1_alignment_bytes;
    const uint64_t base = (cfg.tensix.l1_unreserved_base_bytes + align - 1) / align * align;
    const uint64_t buffers_start = dev.allocator(tt::tt_metal::BufferType::L1).lowest_allocated();
    std::map<CoreCoord, uint64_t> top;
    Placement pl;
    for (const auto& cb : p.cbs) {
        const auto& c = cb.config;
        std::vector<CoreCoord> cores;
        for (const auto& r : cb.cores.ranges())
            for (const auto& core : r) cores.push_back(core);
        uint64_t addr = 0;
        if (const tt::tt_metal::Buffer* buf = c.shadow_global_buffer()) {
            // The config keeps a pointer to the buffer, as TT-Metal's does; it must still be alive.
            if (!buf->is_allocated())
                throw HostError(fmt::format(
                    "circular buffer on {} sits on a buffer that was deallocated", cb.cores.str()));
            addr = *c.globally_allocated_address();
            uint64_t per_bank = buf->size_per_bank();
            if (c.total_size() > per_bank)
                throw HostError(
                    fmt::format("circular buffer on {} is {} B but its buffer holds {} B per core",
                                cb.cores.str(), c.total_size(), per_bank));
        } else {
            addr = base;
            for (const auto& core : cores)
                addr = std::max(addr, top.count(core) ? top[core] : base);
            // Each CB starts aligned, as the NoC moves aligned words (TT-Metal aligns them too).
            uint64_t end = (addr + c.total_size() + align - 1) / align * align;
            for (const auto& core : cores) top[core] = end;
        }
        bool any = false;
        for (uint32_t i = 0; i < NUM_CIRCULAR_BUFFERS; ++i) {
            if (!c.data_formats()[i]) continue;
            any = true;
            if (!c.page_sizes()[i])
                throw HostError(fmt::format(
                    "circular buffer {} on {}: no page size (set_page_size)", i, cb.cores.str()));
            if (c.total_size() == 0 || c.total_size() % *c.page_sizes()[i] != 0)
                throw HostError(fmt::format(
                    "circular buffer {} on {}: total size {} B is not a multiple of its page "
                    "size {} B",
                    i, cb.cores.str(), c.total_size(), *c.page_sizes()[i]));
            for (const auto& core : cores) {
                auto& slot = pl.cbs[core];
                if (slot.count(i))
                    throw HostError(
                        fmt::format("circular buffer index {} is configured twice on core {}", i,
                                    core_str(core)));
                slot[i] = {static_cast<uint32_t>(addr), c.total_size(), *c.page_sizes()[i],
                           *c.data_formats()[i], c.shadow_global_buffer() != nullptr};
            }
        }
        if (!any)
            throw HostError(fmt::format("circular buffer on {} has no CB index with a data format",
                                        cb.cores.str()));
    }
    // Names the CBs of a core that does not fit: "c_0 65536 B at 98304, c_1 ...".
    auto listing = [&](const CoreCoord& core) {
        std::string s;
        for (const auto& [i, cb] : pl.cbs[core])
            s += fmt::format("{}c_{} {} B at {}", s.empty() ? "" : ", ", i, cb.size, cb.address);
        return s;
    };
    for (const auto& [core, end] : top) {
        if (end > cfg.tensix.l1_size_bytes())
            throw HostError(fmt::format(
                "circular buffers on core {} need L1 up to {} B, beyond its {} B (L1 overflow; "
                "{} B free above the reserved {} B): {}",
                core_str(core), end, cfg.tensix.l1_size_bytes(), cfg.tensix.l1_size_bytes() - base,
                base, listing(core)));
        if (end > buffers_start)
            throw HostError(fmt::format(
                "circular buffers on core {} end at {} B and overlap L1 buffers starting at {} B: "
                "{}",
                core_str(core), end, buffers_start, listing(core)));
    }
    return pl;
}

// An Ethernet kernel's cores: logical Ethernet cores (0, channel) whose tile has a link that is not
// reserved for dispatch, one kernel each.
void check_eth_cores(const KernelDef& k, DeviceImpl& dev, std::map<CoreCoord, std::string>& slots) {
    Chip& ch = dev.chip();
    for (const auto& r : k.cores.ranges())
        for (const auto& c : r) {
            if (c.x != 0 || c.y >= static_cast<size_t>(ch.num_eth()))
                throw HostError(fmt::format(
                    "chip{}: Ethernet kernel {} names core {}, not a logical Ethernet core "
                    "(0, 0..{})",
                    ch.id(), k.name, core_str(c), ch.num_eth() - 1));
            const EthTile& e = ch.eth(static_cast<int>(c.y));
            if (!e.connected())
                throw HostError(fmt::format(
                    "chip{}: Ethernet kernel {} on core {} (E{}): that Ethernet core is inactive "
                    "(no link in system {})",
                    ch.id(), k.name, core_str(c), c.y, dev.system().config().name));
            if (e.reserved_for_dispatch())
                throw HostError(fmt::format(
                    "chip{}: Ethernet kernel {} on core {} (E{}): its link is reserved for "
                    "dispatch (get_active_ethernet_cores(true) leaves it out)",
                    ch.id(), k.name, core_str(c), c.y));
            auto [it, fresh] = slots.emplace(c, k.name);
            if (!fresh)
                throw HostError(fmt::format("chip{}: Ethernet core {} gets two kernels: {} and {}",
                                            ch.id(), core_str(c), it->second, k.name));
        }
}

void check_cores(ProgramImpl& p, DeviceImpl& dev) {
    const auto& sys = dev.system().config();
    auto check = [&](const CoreRangeSet& set, const std::string& what) {
        for (const auto& r : set.ranges())
            if (r.end_coord.x >= static_cast<size_t>(sys.grid_x()) ||
                r.end_coord.y >= static_cast<size_t>(sys.grid_y()))
                throw HostError(fmt::format("{} uses cores {} outside the {}x{} worker grid", what,
                                            r.str(), sys.grid_x(), sys.grid_y()));
    };
    std::map<std::pair<CoreCoord, int>, std::string> slots;
    std::map<CoreCoord, int> count;
    std::map<CoreCoord, std::string> eth_slots;
    for (const auto& k : p.kernels) {
        if (k.eth) {
            check_eth_cores(k, dev, eth_slots);
            continue;
        }
        check(k.cores, "kernel " + k.name);
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r) {
                auto [it, fresh] = slots.emplace(std::make_pair(c, k.risc), k.name);
                if (!fresh)
                    throw HostError(
                        fmt::format("core {} gets two kernels on {}: {} and {}", core_str(c),
                                    k.compute ? "the TRISCs" : risc_name(static_cast<Risc>(k.risc)),
                                    it->second, k.name));
                if (++count[c] > static_cast<int>(sys.chip.tensix.max_kernels_per_core))
                    throw HostError(fmt::format("core {} gets more than {} kernels", core_str(c),
                                                sys.chip.tensix.max_kernels_per_core));
            }
    }
    for (const auto& cb : p.cbs) check(cb.cores, "a circular buffer");  // workers only
    for (const auto& s : p.semaphores) check(s.cores, "a semaphore");
}

// What TT-Metal's JIT generates for a compute kernel: its settings as constants (genfiles.cpp).
// MATH_FIDELITY, APPROX and DST_ACCUM_MODE are constexpr variables there, not macros (kernels
// test `#if defined(DST_ACCUM_MODE)` for a separate accumulate mode): compute_kernel_api.h makes
// them from these TENSIM_ macros.
void compute_defines(const tt::tt_metal::ComputeConfig& cc, std::map<std::string, std::string>& d) {
    d["TENSIM_MATH_FIDELITY"] = std::to_string(static_cast<int>(cc.math_fidelity));
    d["TENSIM_APPROX"] = cc.math_approx_mode ? "true" : "false";
    d["TENSIM_DST_ACCUM_MODE"] = cc.fp32_dest_acc_en ? "true" : "false";
    d["DST_SYNC_MODE"] = cc.dst_full_sync_en ? "DstSync::SyncFull" : "DstSync::SyncHalf";
}

void build_kernels(ProgramImpl& p, const Placement& pl) {
    static const char* levels[] = {"-O1", "-O2", "-O3", "-O0", "-Os", "-Ofast", "-Os"};
    // Every binary's spec first, then one parallel build (jit::build_all), handed back in order.
    std::vector<jit::KernelBuildSpec> specs;
    for (auto& k : p.kernels) {
        jit::KernelBuildSpec spec;
        spec.source_path = k.source_path;
        spec.display_name = k.name;
        spec.cb_formats.fill(0xff);
        // The formats TT-Metal bakes into the kernel come from the CBs on its cores.
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r)
                if (auto it = pl.cbs.find(c); it != pl.cbs.end())
                    for (const auto& [i, cb] : it->second)
                        spec.cb_formats[i] = static_cast<uint8_t>(cb.format);
        std::visit(
            [&](const auto& cfg) {
                spec.compile_args = cfg.compile_args;
                spec.named_compile_args = {cfg.named_compile_args.begin(),
                                           cfg.named_compile_args.end()};
                spec.defines = cfg.defines;
                spec.opt_level = levels[static_cast<int>(cfg.opt_level)];
            },
            k.config);
        k.binaries.clear();
        if (k.compute) {
            compute_defines(std::get<tt::tt_metal::ComputeConfig>(k.config), spec.defines);
            for (const char* trisc : {"trisc0", "trisc1", "trisc2"}) {
                spec.processor = trisc;
                specs.push_back(spec);
            }
        } else if (k.eth) {
            const auto& ec = std::get<tt::tt_metal::EthernetConfig>(k.config);
            spec.processor = "erisc";
            spec.noc = static_cast<uint8_t>(ec.noc);
            spec.noc_mode = 0;
            specs.push_back(spec);
        } else {
            const auto& dm = std::get<DataMovementConfig>(k.config);
            spec.processor = k.risc == 0 ? "brisc" : "ncrisc";
            spec.noc = static_cast<uint8_t>(dm.noc);
            spec.noc_mode = static_cast<uint8_t>(dm.noc_mode);
            specs.push_back(spec);
        }
    }
    auto built = jit::build_all(specs);
    size_t next = 0;
    for (auto& k : p.kernels)
        for (size_t n = k.compute ? 3 : 1; n > 0; --n) k.binaries.push_back(built[next++]);
}

}  // namespace

// ---- enqueue, launch, collect -----------------------------------------------------------------
//
// A program is prepared when it is enqueued (checks, CB placement, kernel builds, and a snapshot of
// its runtime args, so later SetRuntimeArgs calls do not reach it) and launched when the host
// must wait: a blocking enqueue, Finish, a buffer transfer, a read of its stats. Programs enqueued
// without blocking on different devices therefore launch at the same cycle and run concurrently,
// as on silicon, where each chip's queue runs on its own; two on one device run one after the
// other.

namespace {

// One kernel on one RISC of one core, as it will start.
struct ThreadStart {
    CoreCoord core;
    int risc = 0;
    const std::string* kernel_name = nullptr;  // owned by `Prepared::kernel_names`
    bool compute = false;
    bool eth = false;          // core is a logical Ethernet core: the kernel runs on its ERISC
    bool persistent = false;   // stopped once the program's other kernels have ended
    ComputeSettings settings;  // compute kernels
    std::shared_ptr<const jit::KernelBinary> binary;
    std::vector<uint32_t> args, common_args;
    const CoreCbs* cbs = nullptr;  // this core's CBs, owned by `Prepared::placement`
};

struct SemaphoreInit {
    CoreCoord core;
    uint32_t id = 0, value = 0;
};

// A program ready to launch on one device.
struct Prepared {
    DeviceImpl* dev = nullptr;
    uint64_t serial = 0;
    std::string name;
    std::vector<std::string> kernel_names;
    Placement placement;
    std::vector<ThreadStart> threads;
    std::set<CoreCoord> touched;      // worker cores
    std::set<CoreCoord> eth_touched;  // logical Ethernet cores
    std::vector<SemaphoreInit> semaphores;
};

// The core a thread of a program runs on: a worker, or an Ethernet tile's ERISC core.
TensixCore& core_of(Chip& ch, const CoreCoord& c, bool eth) {
    return eth ? ch.eth(static_cast<int>(c.y)).core() : ch.worker(int(c.x), int(c.y));
}

std::string program_name(const ProgramImpl& p) {
    if (!p.name.empty()) return p.name;
    std::string name;
    std::set<std::string> seen;
    for (const auto& k : p.kernels)
        if (std::string stem = fs::path(k.name).stem().string(); seen.insert(stem).second)
            name += (name.empty() ? "" : "+") + stem;
    return name;
}

std::unique_ptr<Prepared> prepare(ProgramImpl& p, DeviceImpl& dev) {
    check_cores(p, dev);
    auto out = std::make_unique<Prepared>();
    out->dev = &dev;
    out->serial = dev.serial();
    out->name = program_name(p);
    out->placement = place_cbs(p, dev);
    build_kernels(p, out->placement);
    out->kernel_names.reserve(p.kernels.size());  // stable addresses for ThreadStart
    for (const auto& k : p.kernels) {
        out->kernel_names.push_back(k.name);
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r) (k.eth ? out->eth_touched : out->touched).insert(c);
    }
    for (const auto& [c, _] : out->placement.cbs) out->touched.insert(c);
    for (const auto& s : p.semaphores)
        for (const auto& r : s.cores.ranges())
            for (const auto& c : r) {
                out->touched.insert(c);
                out->semaphores.push_back({c, s.id, s.initial_value});
            }
    static const CoreCbs no_cbs;
    for (size_t ki = 0; ki < p.kernels.size(); ++ki) {
        const KernelDef& k = p.kernels[ki];
        ComputeSettings settings;
        if (k.compute) {
            const auto& cc = std::get<tt::tt_metal::ComputeConfig>(k.config);
            settings.fidelity_phases = numerics::fidelity_phases(cc.math_fidelity);
            settings.fp32_dest_acc = cc.fp32_dest_acc_en;
            settings.dst_full_sync = cc.dst_full_sync_en;
            settings.approx = cc.math_approx_mode;
            settings.numerics = numerics_mode();
        }
        const std::vector<uint32_t> common(
            k.common_args.words.begin(),
            k.common_args.words.begin() + k.common_args.view.rt_args_count);
        std::vector<int> riscs = k.riscs();
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r) {
                const auto it = k.args.find(c);
                std::vector<uint32_t> args;
                if (it != k.args.end())
                    args.assign(it->second->words.begin(),
                                it->second->words.begin() + it->second->view.rt_args_count);
                const auto cbs = out->placement.cbs.find(c);
                for (size_t i = 0; i < riscs.size(); ++i)
                    out->threads.push_back(
                        {c, riscs[i], &out->kernel_names[ki], k.compute, k.eth, k.persistent,
                         settings, k.binaries[i], args, common,
                         cbs == out->placement.cbs.end() || k.eth ? &no_cbs : &cbs->second});
            }
    }
    return out;
}

// Programs enqueued and not yet launched, in enqueue order, at most one per device.
std::vector<std::unique_ptr<Prepared>>& queued() {
    static std::vector<std::unique_ptr<Prepared>> q;
    return q;
}

// Writes the firmware state of a prepared program into its cores and starts its threads; each
// thread's end is counted in `state`.
struct RunState {
    size_t launched = 0, done = 0;
    size_t persistent = 0, persistent_done = 0;  // kernels that serve the others (fabric routers)
    bool failed = false;
    bool all_done() const { return done == launched && persistent_done == persistent; }
};

void start(Prepared& pp, const std::shared_ptr<RunState>& state,
           std::vector<RiscThread*>& threads) {
    Chip& ch = pp.dev->chip();
    if (!pp.dev->system().is_local(ch.id())) return;  // another rank runs it (partition.hpp)
    for (const auto& c : pp.touched) ch.worker(int(c.x), int(c.y)).clear_firmware_state();
    for (const auto& c : pp.eth_touched) {
        TensixCore& e = ch.eth(static_cast<int>(c.y)).core();
        e.clear_firmware_state();
        // Zeros on pages that read as zeros already cost nothing (no fault, no page).
        low_memory_zero(e.l1() + eth_l1_map::erisc_info, eth_l1_map::erisc_info_bytes);
    }
    for (const auto& s : pp.semaphores)
        ch.worker(int(s.core.x), int(s.core.y)).word(l1_map::semaphore(s.id)) = s.value;
    for (const auto& ts : pp.threads)
        if (core_of(ch, ts.core, ts.eth).thread(static_cast<Risc>(ts.risc)).running())
            throw InternalError(fmt::format("chip {} core {} {} is still running a kernel", ch.id(),
                                            core_str(ts.core),
                                            risc_name(static_cast<Risc>(ts.risc))));
    std::set<CoreCoord> compute_reset;
    for (const auto& ts : pp.threads) {
        TensixCore& core = core_of(ch, ts.core, ts.eth);
        if (ts.compute && compute_reset.insert(ts.core).second) {
            core.compute().reset(ts.settings);
            core.compute().reset_stats();
        }
        RiscThread& t = core.thread(static_cast<Risc>(ts.risc));
        // Each RISC reads its own copy of the args (the TRISCs share one compute kernel's).
        if (!ts.args.empty())
            low_memory_write(core.l1() + l1_map::rta(ts.risc), ts.args.data(), 4 * ts.args.size());
        if (!ts.common_args.empty())
            low_memory_write(core.l1() + l1_map::crta(ts.risc), ts.common_args.data(),
                             4 * ts.common_args.size());
        KernelLaunch l;
        l.entry = [bin = ts.binary] { bin->run(); };
        l.code_begin = ts.binary->code_begin(), l.code_end = ts.binary->code_end();
        l.kernel_name = *ts.kernel_name;
        l.num_runtime_args = static_cast<uint32_t>(ts.args.size());
        l.num_common_runtime_args = static_cast<uint32_t>(ts.common_args.size());
        for (const auto& [idx, cb] : *ts.cbs) {
            LocalCb& lc = l.cbs[idx];
            lc.configured = true;
            lc.fifo_addr = lc.rd_ptr = lc.wr_ptr = cb.address;
            lc.fifo_size = cb.size;
            lc.page_size = cb.page_size;
            lc.num_pages = cb.size / cb.page_size;
            lc.data_format = static_cast<uint8_t>(cb.format);
            lc.on_buffer = cb.on_buffer;
        }
        threads.push_back(&t);
        if (ts.persistent) {
            state->persistent++;
            t.launch(std::move(l), [state, &t] {
                ++state->persistent_done;
                if (t.error()) {
                    state->failed = true;
                    System::stop_run();
                }
            });
            continue;
        }
        state->launched++;
        t.launch(std::move(l), [state, &t] {
            ++state->done;
            if (t.error()) state->failed = true;
            if (state->failed || state->done == state->launched) System::stop_run();
        });
    }
}

// The stats of a program that ran from `launch`: its threads are pp.threads, in order.
ProgramStats collect(const Prepared& pp, const std::vector<RiscThread*>& threads, Cycle launch) {
    Chip& ch = pp.dev->chip();
    ProgramStats st;
    st.name = pp.name;
    st.clock_mhz = ch.clock().freq_mhz;
    st.launch_cycle = launch;
    Cycle end = launch;
    for (size_t i = 0; i < threads.size(); ++i) {
        const RiscThread& t = *threads[i];
        const ThreadStart& ts = pp.threads[i];
        end = std::max(end, t.end_cycle());
        KernelRunStats k{ch.id(),
                         int(ts.core.x),
                         int(ts.core.y),
                         ts.eth ? "ERISC" : risc_name(t.risc()),
                         *ts.kernel_name,
                         t.start_cycle() - launch,
                         t.end_cycle() - launch,
                         {},
                         t.busy_cycles()};
        const auto& stalls = t.stall_cycles();
        for (int w = 1; w < WaitInfo::kinds; ++w)
            if (stalls[w])
                k.stall_cycles[wait_kind_name(static_cast<WaitInfo::Kind>(w))] += stalls[w];
        st.kernels.push_back(std::move(k));
    }
    st.device_cycles = end - launch;
    std::set<CoreCoord> seen;
    for (const auto& ts : pp.threads)
        if (ts.compute && seen.insert(ts.core).second) {
            const auto& e = ch.worker(int(ts.core.x), int(ts.core.y)).compute().stats();
            double util = st.device_cycles ? double(e.fpu) / double(st.device_cycles) : 0.0;
            st.compute.push_back(
                {ch.id(), int(ts.core.x), int(ts.core.y), e.unpack, e.fpu, e.sfpu, e.pack, util});
        }
    st.device_time_us = ch.clock().cycles_to_us(st.device_cycles);
    return st;
}

// Launches `batch` (one program per device) at the same cycle and runs them all to the end.
void run_together(std::vector<std::unique_ptr<Prepared>> batch) {
    if (batch.empty()) return;
    System& sys = batch.front()->dev->system();
    for (auto& pp : batch) pp->dev->chip().reset_stats();
    report::outputs();  // outputs asked for by the environment start with these programs
    const Cycle launch = sys.now();
    auto state = std::make_shared<RunState>();
    std::vector<std::vector<RiscThread*>> threads(batch.size());
    auto all_done = [state] { return state->all_done(); };
    auto workers_done = [state] { return state->done == state->launched; };
    std::string hang;
    try {
        for (size_t i = 0; i < batch.size(); ++i) start(*batch[i], state, threads[i]);
        std::function<void()> tick;
        if (report::progress_enabled()) tick = [&] { report::progress_tick(sys.now()); };
        if (Partition* part = sys.partition())
            part->run_until([&] { return workers_done() || state->failed; },
                            [&] { return state->failed; }, cycle_limit());
        else
            sys.run_until([&] { return workers_done() || state->failed; }, cycle_limit(), tick);
    } catch (const DeadlockError& e) {
        hang = e.what();
    }
    report::progress_program_done();
    if (state->failed || !hang.empty()) {
        // Unwind every kernel still running, drop the programs' NoC traffic in flight, report.
        for (auto& ts : threads)
            for (RiscThread* t : ts) t->abort();
        sys.run_until(all_done, cycle_limit());
        for (auto& pp : batch) pp->dev->chip().cancel_in_flight();
        if (!hang.empty()) throw DeadlockError(hang);
        for (auto& ts : threads)
            for (RiscThread* t : ts)
                if (t->error()) std::rethrow_exception(t->error());
    }
    if (!state->all_done()) {
        // The other kernels have ended: stop the persistent ones (they are waiting for traffic)
        // and drop what they left in flight (credits), so the next program starts clean.
        for (size_t i = 0; i < batch.size(); ++i)
            for (size_t j = 0; j < threads[i].size(); ++j)
                if (batch[i]->threads[j].persistent) threads[i][j]->abort();
        sys.run_until(all_done, cycle_limit());
        for (auto& pp : batch) pp->dev->chip().cancel_in_flight();
    }
    std::vector<ProgramStats> stats;
    for (size_t i = 0; i < batch.size(); ++i)
        stats.push_back(collect(*batch[i], threads[i], launch));
    if (Partition* part = sys.partition()) {
        // Every rank leaves at the same cycle; a program's device time is its chip's, which
        // only the rank that ran it knows.
        part->align_time();
        std::vector<uint64_t> cycles;
        for (const ProgramStats& st : stats) cycles.push_back(st.device_cycles);
        cycles = part->max_over_ranks(std::move(cycles));
        for (size_t i = 0; i < batch.size(); ++i) {
            stats[i].device_cycles = cycles[i];
            stats[i].device_time_us = batch[i]->dev->chip().clock().cycles_to_us(cycles[i]);
        }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->dev->finish_program(std::move(stats[i]));
}

}  // namespace

void DeviceImpl::enqueue_program(tt::tt_metal::Program& program, bool blocking) {
    auto pp = prepare(tensim::host::impl_of(program), *this);
    auto& q = queued();
    for (const auto& other : q)
        if (other->serial == m_serial) {  // this device's queue runs programs one at a time
            flush_programs();
            break;
        }
    q.push_back(std::move(pp));
    if (blocking) flush_programs();
}

bool program_queued(const DeviceImpl& device) {
    for (const auto& pp : queued())
        if (pp->serial == device.serial()) return true;
    return false;
}

void flush_programs() {
    // Taken out first, so that an error leaves nothing queued behind it.
    std::vector<std::unique_ptr<Prepared>> batch = std::move(queued());
    queued().clear();
    run_together(std::move(batch));
}

void DeviceImpl::finish_program(ProgramStats st) {
    Chip& ch = chip();
    m_last = std::move(st);
    m_last_chip_stats = ch.stats().dump(report::program_window(m_last));
    report::ProgramReport r =
        report::make_program_report(m_last, ch.id(), m_last_chip_stats, report::wanted());
    m_last.bound = r.bound;
    report::add_program(std::move(r), m_system.config(), ch.clock().freq_mhz);
}

nlohmann::json DeviceImpl::stats_json() {
    flush_programs();
    report::ProgramReport r =
        report::make_program_report(m_last, chip().id(), m_last_chip_stats, true);
    r.config = to_json(m_system.config());
    return report::stats_document({r});
}

}  // namespace tensim::host
