#include "tensix/risc_thread.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
#include <boost/context/preallocated.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cstdlib>
#include <set>
#include <string>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/scheduler.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace tensim {

namespace {
RiscThread* g_current = nullptr;

// Thrown into a blocked kernel to unwind it when its program is abandoned.
struct KernelAbort {};
}  // namespace

// Whether `file` (a std::source_location's) is one of tensim's own sources: this file's path up to
// sim/ is the source root, as the build (with or without -ffile-prefix-map) spells it.
bool is_library_source(const std::string& file) {
    static const std::string root = [] {
        const std::string self = __FILE__;
        const size_t at = self.rfind("sim/tensix/risc_thread.cpp");
        return at == std::string::npos ? std::string("//") : self.substr(0, at);
    }();
    return file.rfind(root + "sim/", 0) == 0 || file.rfind(root + "src/", 0) == 0;
}

const char* risc_name(Risc r) {
    static const char* names[] = {"BRISC", "NCRISC", "TRISC0", "TRISC1", "TRISC2"};
    return names[static_cast<int>(r)];
}

RiscThread* RiscThread::current() { return g_current; }

// A fiber's stack: mapped with a guard page below it. Under ASan its shadow is cleared when it is
// unmapped: frames that were live on it leave their redzones poisoned, and whatever is mapped there
// next (a kernel's shared object) would read as a stack overflow.
struct FiberStack {
    boost::context::protected_fixedsize_stack pages;
    boost::context::stack_context allocate() { return pages.allocate(); }
    void deallocate(boost::context::stack_context& stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
        __asan_unpoison_memory_region(static_cast<char*>(stack.sp) - stack.size, stack.size);
#endif
        pages.deallocate(stack);
    }
};

// The firmware runs on a fiber of its own (Boost.Context), not a SystemC thread: the Scheduler's
// method resumes it from a queue entry, and it switches back when it blocks. A SystemC thread cost
// a process activation and an entry in SystemC's timed queue per wake (round 10, performance.md).
// Only the Scheduler's run_due resumes a fiber, so fibers never nest; a resume that finds the
// firmware's condition still false just blocks again. Under ASan every switch is announced
// (which stack runs next, as SystemC does for its coroutines; docs/robustness.md): Boost.Context
// does that only in its ucontext variant, whose swapcontext ASan warns about.
struct RiscThread::Fiber {
    explicit Fiber(RiscThread& t) {
        FiberStack alloc{boost::context::protected_fixedsize_stack(t.m_cfg.stack_bytes)};
        const boost::context::stack_context stack = alloc.allocate();
        stack_bottom = static_cast<char*>(stack.sp) - stack.size;
        stack_size = stack.size;
        self = boost::context::fiber(std::allocator_arg,
                                     boost::context::preallocated(stack.sp, stack.size, stack),
                                     alloc, [this, &t](boost::context::fiber&& from) {
                                         switched_in();
                                         caller = std::move(from);
                                         t.firmware();
                                         switching_out(nullptr);  // this stack ends
                                         return std::move(caller);
                                     });
    }
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;
    ~Fiber() {
        if (pending) scheduler.cancel(this);
        // A firmware that has not returned is unwound here by Boost (forced_unwind).
    }

    // Resumes the firmware at `t_ps` (not before now). One resume is queued at a time: an earlier
    // one already queued stands (the firmware re-checks and queues again if it must); a later one
    // is replaced.
    void resume_at(uint64_t t_ps) {
        if (pending) {
            if (pending_ps <= t_ps) return;
            scheduler.cancel(this);
        }
        pending = true;
        pending_ps = t_ps;
        scheduler.schedule_call(t_ps, this, &Fiber::resume, this);
    }
    void resume_now() { resume_at(scheduler.now_ps()); }
    static void resume(void* fiber) {  // a Scheduler entry
        Fiber& f = *static_cast<Fiber*>(fiber);
        f.pending = false;
        if (!f.self) return;
#if defined(__SANITIZE_ADDRESS__)
        void* fake = nullptr;
        __sanitizer_start_switch_fiber(&fake, f.stack_bottom, f.stack_size);
#endif
        f.self = std::move(f.self).resume();  // returns when the firmware blocks or returns
#if defined(__SANITIZE_ADDRESS__)
        __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
    }
    // On the firmware's stack: back to the Scheduler until a resume.
    void block() {
        void* fake = nullptr;
        switching_out(&fake);
        caller = std::move(caller).resume();
        switched_in(fake);
    }
    // ASan's half of a switch on the firmware's side (no-ops in other builds): `fake` null when
    // the stack is left for good.
    void switching_out([[maybe_unused]] void** fake) {
#if defined(__SANITIZE_ADDRESS__)
        __sanitizer_start_switch_fiber(fake, caller_bottom, caller_size);
#endif
    }
    void switched_in([[maybe_unused]] void* fake = nullptr) {
#if defined(__SANITIZE_ADDRESS__)
        __sanitizer_finish_switch_fiber(fake, &caller_bottom, &caller_size);
#endif
    }

    Scheduler& scheduler = Scheduler::instance();
    const void* stack_bottom = nullptr;  // the firmware's stack
    size_t stack_size = 0;
    const void* caller_bottom = nullptr;  // the Scheduler's stack, as ASan reported it
    size_t caller_size = 0;
    boost::context::fiber self;    // the firmware while it is blocked (empty: it returned)
    boost::context::fiber caller;  // the Scheduler while the firmware runs
    bool pending = false;          // a resume is queued, at pending_ps
    uint64_t pending_ps = 0;
};

namespace {
bool& profiling_flag() {
    static bool on = [] {
        const char* e = std::getenv("TT_METAL_DEVICE_PROFILER");
        return e && *e && std::string(e) != "0";
    }();
    return on;
}
}  // namespace

bool RiscThread::profiling() { return profiling_flag(); }
void RiscThread::set_profiling(bool on) { profiling_flag() = on; }

const char* profiler_marker_type_name(ProfilerMarker::Type t) {
    static const char* names[] = {"ZONE_START", "ZONE_END", "TS_DATA", "TS_EVENT"};
    return names[t];
}

const char* wait_kind_name(WaitInfo::Kind k) {
    static const char* names[] = {"none",       "cb_reserve",    "cb_wait",   "semaphore",
                                  "semaphore",  "noc_read",      "noc_write", "noc_write",
                                  "noc_atomic", "noc_barrier",   "src_free",  "src_full",
                                  "dst_free",   "dst_committed", "noc_drain", "eth"};
    static_assert(sizeof(names) / sizeof(names[0]) == WaitInfo::kinds);
    return names[k];
}

RiscThread::RiscThread(TensixCore& core, Risc risc, const RiscConfig& cfg)
    : m_core(core), m_risc(risc), m_cfg(cfg) {
    l1_view::install();
    kernel_guard::install();
}

Cycle RiscThread::noc_issue_cycles() const {
    const bool code_counted = m_cfg.code_cost && !m_core.is_eth();  // as code_cost.cpp's hook
    return m_cfg.noc_cmd_issue_cycles + (code_counted ? 0 : m_cfg.noc_cmd_loop_code_cycles);
}

void RiscThread::resumed() {
    g_current = this;
    l1_view::enter(&m_view);
    kernel_guard::enter(&m_guard);
}

void RiscThread::suspended() {
    l1_view::leave();
    kernel_guard::leave();
}

// The firmware's fiber starts at the RISC's first launch, not with the chip: a Galaxy has 10752
// RISCs and a collective uses a few hundred, and creating (then unmapping) a stack per RISC cost
// seconds of every open. Its stack is mapped, not touched: pages are committed as the kernel uses
// them.
void RiscThread::spawn() {
    m_spawned = true;
    m_fiber = std::make_unique<Fiber>(*this);
}

RiscThread::~RiscThread() {
    // The owner (the chip) shuts threads down and lets their firmware return before deleting
    // them; see System::~System. Nothing can wake this thread after this point. A fiber still
    // running is unwound here, while the members its frames use still exist.
    m_fiber.reset();
    if (g_current == this) g_current = nullptr;
}

LocalCb& RiscThread::cb(uint32_t index) {
    if (index >= 32)
        throw KernelError(fmt::format("{}: CB index {} out of range (0..31)", where(), index));
    return m_launch.cbs[index];
}

uint32_t RiscThread::runtime_arg_offset(uint32_t idx, bool common, const char* file,
                                        uint32_t line) const {
    const uint32_t n = common ? m_launch.num_common_runtime_args : m_launch.num_runtime_args;
    // Past the argument block is an error. Inside it, an arg the host did not set reads 0 (the
    // block is cleared for each program; silicon reads stale L1), with a warning once per call
    // site: tt-metal's shared kernels read args that some of their hosts never set (e.g.
    // eltwise_binary.cpp's arg 2, unused without DST_ACCUM_MODE).
    if (idx >= l1_map::kMaxRuntimeArgs)
        throw KernelError(fmt::format("{}: {}runtime arg {} read, past the {}-word argument block",
                                      where(file, line), common ? "common " : "", idx,
                                      l1_map::kMaxRuntimeArgs));
    if (idx >= n) {
        static std::set<std::string> warned;  // call sites, not cores: one line for a grid
        if (warned.insert(fmt::format("{}:{}:{}:{}", file, line, idx, common)).second)
            log::tensix().warn(
                "{}: {}runtime arg {} read, but the host set {} ({}); it reads 0 "
                "(silicon: whatever L1 holds)",
                where(file, line), common ? "common " : "", idx, n,
                common ? "SetCommonRuntimeArgs" : "SetRuntimeArgs");
    }
    const auto r = static_cast<uint32_t>(m_risc);
    return (common ? l1_map::crta(r) : l1_map::rta(r)) + 4 * idx;
}

void RiscThread::launch(KernelLaunch launch, std::function<void()> on_done) {
    if (m_running) throw InternalError(where() + ": launched while running");
    m_launch = std::move(launch);
    m_view = {m_core.l1(), m_core.l1_size(), &m_escape};
    // launch() runs on the thread that runs SystemC, where the kernel will run.
    m_guard = {&m_escape, gettid(), m_launch.code_begin, m_launch.code_end};
    kernel_guard::arm_watchdog();
    m_on_done = std::move(on_done);
    m_launch_pending = true;
    m_running = true;
    m_abort = false;
    m_error = nullptr;
    m_noc[0] = m_noc[1] = NocCounters{};
    m_cmd_bufs[0] = m_cmd_bufs[1] = NocCmdBufs{};  // firmware's noc_init at each launch
    m_stall.fill(0);
    m_busy = 0;
    m_code = m_code_hidden = m_run_ahead = 0;
    if (!m_spawned) spawn();
    m_fiber->resume_now();
}

void RiscThread::abort() {
    if (!m_running) return;
    m_abort = true;
    m_core.notify_aborted(m_risc);
    if (m_fiber) m_fiber->resume_now();  // also out of a timed wait (sync)
}

void RiscThread::shutdown() {
    m_shutdown = true;
    if (!m_spawned) m_finished = true;  // never launched: no process to end
    m_abort = true;
    m_core.notify_aborted(m_risc);
    if (m_fiber) m_fiber->resume_now();
}

Cycle RiscThread::now() const { return m_core.clock().now() + m_local; }

void RiscThread::sleep_local() {
    Cycle c = m_local;
    m_local = 0;
    m_busy += c;
    suspended();
    // An abandoned program must end within the cycle limit however far ahead this thread's
    // local time ran (a runaway loop of kernel code): abort() resumes it early.
    const Scheduler& s = m_fiber->scheduler;
    const uint64_t until = s.now_ps() + c * m_core.clock().period_ps();
    while (!m_abort && s.now_ps() < until) {
        m_fiber->resume_at(until);
        m_fiber->block();
    }
    resumed();
    if (m_abort) throw KernelAbort{};
}

void RiscThread::wait_until(WaitCondition pred, const WaitInfo& what, WaitsOn on) {
    sync();
    if (pred()) return;
    if (m_abort) throw KernelAbort{};  // notify_aborted has run already: nothing would wake it
    m_wait = what;
    m_wait_since = m_core.clock().now();
    m_core.begin_wait(m_risc, pred, on);
    struct Clear {  // also when the fiber is unwound
        RiscThread& t;
        ~Clear() {
            t.m_wait = WaitInfo{};
            t.m_core.end_wait(t.m_risc);
        }
    } clear{*this};
    do {  // pred() is false here, as just checked
        suspended();
        m_fiber->block();
        resumed();
        if (m_abort) throw KernelAbort{};
    } while (!pred());
    // Src bank and Dst handshakes are waits of the coprocessor (its instructions stall; the TRISC
    // has only queued them, ISA TensixCoprocessor), so the TRISC's code keeps running during them.
    // Any other wait is the RISC's own: it ends past the engine work it had queued.
    const bool coprocessor = what.kind == WaitInfo::src_free || what.kind == WaitInfo::src_full ||
                             what.kind == WaitInfo::dst_free ||
                             what.kind == WaitInfo::dst_committed;
    m_run_ahead = coprocessor ? m_run_ahead + (m_core.clock().now() - m_wait_since) : 0;
    const Cycle now = m_core.clock().now();
    m_stall[what.kind] += now - m_wait_since;
    if (trace::Sink* sink = trace::sink(); sink && now > m_wait_since && sink->wants(track())) {
        std::string detail;
        if (what.kind == WaitInfo::cb_reserve || what.kind == WaitInfo::cb_wait)
            detail = fmt::format("CB {}, {} pages", what.cb, what.count);
        else if (what.kind == WaitInfo::semaphore_eq || what.kind == WaitInfo::semaphore_min)
            detail = fmt::format("semaphore at L1 0x{:x} {} {}", what.cb,
                                 what.kind == WaitInfo::semaphore_eq ? "==" : ">=", what.count);
        if (what.file)
            detail += fmt::format("{}{}:{}", detail.empty() ? "" : " at ", what.file, what.line);
        sink->zone(track(), wait_kind_name(what.kind), m_wait_since, now, detail);
    }
}

trace::Track RiscThread::track() const {
    if (m_core.is_eth()) return {m_core.chip_id(), m_core.eth_channel(), 0, trace::Lane::erisc};
    return {m_core.chip_id(), m_core.logical_x(), m_core.logical_y(),
            static_cast<trace::Lane>(m_risc)};
}

void RiscThread::wake() { m_fiber->resume_now(); }

std::string RiscThread::where(const char* file, uint32_t line) const {
    std::string s =
        fmt::format("{} {}", m_core.name(), m_core.is_eth() ? "ERISC" : risc_name(m_risc));
    if (!m_launch.kernel_name.empty()) s += fmt::format(" kernel {}", m_launch.kernel_name);
    if (!file || !line) return s;
    // A line is the kernel's only when its file is: a check inside tensim that passes its own
    // std::source_location (dataflow.cpp, line 292) must not be cited as the kernel's line 292.
    if (m_launch.kernel_name == file) return s + fmt::format(" (line {})", line);
    if (!is_library_source(file)) s += fmt::format(" ({}:{})", file, line);  // a header it included
    return s;
}

// The kernel's entry, with the escape a touch outside its L1 or a crash unwinds to (l1_view.hpp,
// kernel_guard.hpp). A frame of its own, with no locals, so nothing here can be clobbered by the
// long jump. The frames left behind may include tensim's own (a fault in an API call): what they
// were waiting for is cleared here, and the program is abandoned as for any kernel error.
void RiscThread::run_entry() {
    switch (sigsetjmp(m_escape, 1)) {
        case 0:
            break;
        case 1:
            throw KernelError(fmt::format(
                "{}: kernel dereferenced address 0x{:x}, outside this core's L1 (0x{:x} B; plain "
                "L1 addresses are pointers into the kernel's own core's L1)",
                where(), l1_view::fault_address(), m_core.l1_size()));
        default:
            m_wait = WaitInfo{};
            m_core.end_wait(m_risc);
            throw KernelError(
                fmt::format("{}: kernel crashed: {}", where(),
                            kernel_guard::describe(kernel_guard::last_fault(), m_guard)));
    }
    m_launch.entry();
}

void RiscThread::firmware() {
    for (;;) {
        while (!m_launch_pending && !m_shutdown) m_fiber->block();
        if (m_shutdown) {
            m_finished = true;
            return;
        }
        m_launch_pending = false;
        resumed();
        m_start = m_core.clock().now();
        m_local = m_cfg.kernel_start_cycles;
        Cycle kernel_end = 0;
        try {
            if (m_abort) throw KernelAbort{};
            run_entry();
            kernel_end = now();
            // The program is not over until this kernel's NoC traffic has landed.
            wait_until([this] { return noc_idle(); }, WaitInfo{WaitInfo::other},
                       WaitsOn::noc_counters);
        } catch (const KernelAbort&) {
        } catch (const boost::context::detail::forced_unwind&) {
            throw;  // Boost is unwinding this fiber (it is being freed); let it.
        } catch (const Error&) {
            m_error = std::current_exception();  // tensim's own errors already say where
        } catch (const std::exception& e) {
            m_error = std::make_exception_ptr(
                KernelError(fmt::format("{}: kernel threw: {}", where(), e.what())));
        } catch (...) {
            m_error = std::make_exception_ptr(
                KernelError(where() + ": kernel threw a non-standard exception"));
        }
        m_local = 0;
        m_wait = WaitInfo{};
        m_end = m_core.clock().now();
        if (profiling() && kernel_end) {
            // The firmware's own zones, as tt-metal's firmware records them around each launch.
            const std::string risc = m_core.is_eth()          ? "ERISC"
                                     : m_risc >= Risc::TRISC0 ? "TRISC"
                                                              : risc_name(m_risc);
            const Cycle k0 = m_start + m_cfg.kernel_start_cycles;
            const std::string& f = m_launch.kernel_name;
            add_marker({ProfilerMarker::zone_start, m_start, 0, risc + "-FW", f, 0});
            add_marker({ProfilerMarker::zone_start, k0, 0, risc + "-KERNEL", f, 0});
            add_marker({ProfilerMarker::zone_end, kernel_end, 0, risc + "-KERNEL", f, 0});
            add_marker({ProfilerMarker::zone_end, m_end, 0, risc + "-FW", f, 0});
        }
        if (trace::Sink* sink = trace::sink(); sink && sink->wants(track()))
            sink->zone(track(),
                       m_launch.kernel_name.substr(m_launch.kernel_name.find_last_of('/') + 1),
                       m_start, m_end, m_launch.kernel_name);
        m_running = false;
        suspended();
        if (g_current == this) g_current = nullptr;
        if (m_on_done) m_on_done();
    }
}

}  // namespace tensim
