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
                           *c.data_formats()[i]};
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
    for (const auto& k : p.kernels) {
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
    for (const auto& cb : p.cbs) check(cb.cores, "a circular buffer");
    for (const auto& s : p.semaphores) check(s.cores, "a semaphore");
}

// What TT-Metal's JIT generates for a compute kernel: its settings as constants (genfiles.cpp).
void compute_defines(const tt::tt_metal::ComputeConfig& cc, std::map<std::string, std::string>& d) {
    d["MATH_FIDELITY"] = std::to_string(static_cast<int>(cc.math_fidelity));
    d["APPROX"] = cc.math_approx_mode ? "true" : "false";
    d["DST_ACCUM_MODE"] = cc.fp32_dest_acc_en ? "true" : "false";
    d["DST_SYNC_MODE"] = cc.dst_full_sync_en ? "DstSync::SyncFull" : "DstSync::SyncHalf";
}

void build_kernels(ProgramImpl& p, const Placement& pl) {
    static const char* levels[] = {"-O1", "-O2", "-O3", "-O0", "-Os", "-Ofast", "-Os"};
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
                k.binaries.push_back(jit::build(spec));
            }
        } else {
            const auto& dm = std::get<DataMovementConfig>(k.config);
            spec.processor = k.risc == 0 ? "brisc" : "ncrisc";
            spec.noc = static_cast<uint8_t>(dm.noc);
            spec.noc_mode = static_cast<uint8_t>(dm.noc_mode);
            k.binaries.push_back(jit::build(spec));
        }
    }
}

}  // namespace

void DeviceImpl::run_program(tt::tt_metal::Program& program) {
    ProgramImpl& p = tensim::host::impl_of(program);
    check_cores(p, *this);
    Placement pl = place_cbs(p, *this);
    build_kernels(p, pl);

    Chip& ch = chip();
    ch.reset_stats();
    report::outputs();  // outputs asked for by the environment start with this program (its trace)
    const Cycle launch = ch.clock().now();

    // Firmware state in L1 of every core the program touches.
    std::set<CoreCoord> touched;
    for (const auto& k : p.kernels)
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r) touched.insert(c);
    for (const auto& [c, _] : pl.cbs) touched.insert(c);
    for (const auto& s : p.semaphores)
        for (const auto& r : s.cores.ranges())
            for (const auto& c : r) touched.insert(c);
    for (const auto& c : touched) ch.worker(int(c.x), int(c.y)).clear_firmware_state();
    for (const auto& s : p.semaphores)
        for (const auto& r : s.cores.ranges())
            for (const auto& c : r)
                ch.worker(int(c.x), int(c.y)).word(l1_map::semaphore(s.id)) = s.initial_value;

    struct Running {
        RiscThread* thread;
        const KernelDef* kernel;
        CoreCoord core;
    };
    // Completion state lives on the heap: a thread's done callback must never see a dead frame.
    struct State {
        size_t launched = 0, done = 0;
        bool failed = false;
    };
    auto state = std::make_shared<State>();
    std::vector<Running> running;
    for (const auto& k : p.kernels)
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r)
                for (int risc : k.riscs())
                    if (ch.worker(int(c.x), int(c.y)).thread(static_cast<Risc>(risc)).running())
                        throw InternalError(fmt::format("core {} {} is still running a kernel",
                                                        core_str(c),
                                                        risc_name(static_cast<Risc>(risc))));
    for (const auto& k : p.kernels)
        for (const auto& r : k.cores.ranges())
            for (const auto& c : r) {
                TensixCore& core = ch.worker(int(c.x), int(c.y));
                if (k.compute) {
                    const auto& cc = std::get<tt::tt_metal::ComputeConfig>(k.config);
                    ComputeSettings s;
                    s.fidelity_phases = numerics::fidelity_phases(cc.math_fidelity);
                    s.fp32_dest_acc = cc.fp32_dest_acc_en;
                    s.dst_full_sync = cc.dst_full_sync_en;
                    s.approx = cc.math_approx_mode;
                    s.numerics = numerics_mode();
                    core.compute().reset(s);
                    core.compute().reset_stats();
                }
                const auto it = k.args.find(c);
                uint32_t nargs =
                    it == k.args.end() ? 0 : static_cast<uint32_t>(it->second->view.rt_args_count);
                uint32_t ncommon = static_cast<uint32_t>(k.common_args.view.rt_args_count);
                std::vector<int> riscs = k.riscs();
                for (size_t i = 0; i < riscs.size(); ++i) {
                    int risc = riscs[i];
                    RiscThread& t = core.thread(static_cast<Risc>(risc));
                    // Each RISC reads its own copy of the args (the TRISCs share one compute
                    // kernel's).
                    if (nargs)
                        std::memcpy(core.l1() + l1_map::rta(risc), it->second->words.data(),
                                    4 * nargs);
                    if (ncommon)
                        std::memcpy(core.l1() + l1_map::crta(risc), k.common_args.words.data(),
                                    4 * ncommon);
                    KernelLaunch l;
                    auto bin = k.binaries[i];
                    l.entry = [bin] { bin->run(); };
                    l.kernel_name = k.name;
                    l.num_runtime_args = nargs;
                    l.num_common_runtime_args = ncommon;
                    if (auto cbs = pl.cbs.find(c); cbs != pl.cbs.end())
                        for (const auto& [idx, cb] : cbs->second) {
                            LocalCb& lc = l.cbs[idx];
                            lc.configured = true;
                            lc.fifo_addr = lc.rd_ptr = lc.wr_ptr = cb.address;
                            lc.fifo_size = cb.size;
                            lc.page_size = cb.page_size;
                            lc.num_pages = cb.size / cb.page_size;
                            lc.data_format = static_cast<uint8_t>(cb.format);
                        }
                    running.push_back({&t, &k, c});
                    state->launched++;
                    t.launch(std::move(l), [state, &t] {
                        ++state->done;
                        if (t.error()) state->failed = true;
                        if (state->failed || state->done == state->launched) System::stop_run();
                    });
                }
            }

    auto all_done = [state] { return state->done == state->launched; };
    std::string hang;
    try {
        std::function<void()> tick;
        if (report::progress_enabled()) tick = [&] { report::progress_tick(ch.clock().now()); };
        m_system.run_until([&] { return all_done() || state->failed; }, cycle_limit(), tick);
    } catch (const DeadlockError& e) {
        hang = e.what();
    }
    report::progress_program_done();
    if (state->failed || !hang.empty()) {
        // Unwind every kernel still running, drop the program's NoC traffic in flight, report.
        for (auto& r : running) r.thread->abort();
        m_system.run_until(all_done, cycle_limit());
        ch.cancel_in_flight();
        if (!hang.empty()) throw DeadlockError(hang);
        for (auto& r : running)
            if (r.thread->error()) std::rethrow_exception(r.thread->error());
    }

    m_last = ProgramStats{};
    m_last.name = p.name;
    if (m_last.name.empty()) {
        std::set<std::string> seen;
        for (const auto& k : p.kernels)
            if (std::string stem = fs::path(k.name).stem().string(); seen.insert(stem).second)
                m_last.name += (m_last.name.empty() ? "" : "+") + stem;
    }
    m_last.clock_mhz = ch.clock().freq_mhz;
    m_last.launch_cycle = launch;
    Cycle end = launch;
    for (auto& r : running) {
        end = std::max(end, r.thread->end_cycle());
        KernelRunStats k{ch.id(),
                         int(r.core.x),
                         int(r.core.y),
                         risc_name(r.thread->risc()),
                         r.kernel->name,
                         r.thread->start_cycle() - launch,
                         r.thread->end_cycle() - launch,
                         {},
                         r.thread->busy_cycles()};
        const auto& stalls = r.thread->stall_cycles();
        for (int w = 1; w < WaitInfo::kinds; ++w)
            if (stalls[w])
                k.stall_cycles[wait_kind_name(static_cast<WaitInfo::Kind>(w))] += stalls[w];
        m_last.kernels.push_back(std::move(k));
    }
    m_last.device_cycles = end - launch;
    for (const auto& k : p.kernels)
        if (k.compute)
            for (const auto& r : k.cores.ranges())
                for (const auto& c : r) {
                    const auto& e = ch.worker(int(c.x), int(c.y)).compute().stats();
                    double util =
                        m_last.device_cycles ? double(e.fpu) / double(m_last.device_cycles) : 0.0;
                    m_last.compute.push_back(
                        {ch.id(), int(c.x), int(c.y), e.unpack, e.fpu, e.sfpu, e.pack, util});
                }
    m_last.device_time_us = ch.clock().cycles_to_us(m_last.device_cycles);
    m_last_chip_stats = ch.stats().dump(report::program_window(m_last));
    report::ProgramReport r =
        report::make_program_report(m_last, ch.id(), m_last_chip_stats, report::wanted());
    m_last.bound = r.bound;
    report::add_program(std::move(r), m_system.config(), ch.clock().freq_mhz);
}

nlohmann::json DeviceImpl::stats_json() {
    report::ProgramReport r =
        report::make_program_report(m_last, chip().id(), m_last_chip_stats, true);
    r.config = to_json(m_system.config());
    return report::stats_document({r});
}

}  // namespace tensim::host
