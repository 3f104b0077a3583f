#include "tensix/kernel_guard.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "tensix/l1_view.hpp"

namespace tensim::kernel_guard {

namespace detail {
std::atomic<const Running*> g_running{nullptr};
std::atomic<uint64_t> g_resumes{0};
}  // namespace detail

namespace {

// Filled by a handler just before it jumps; plain words, as a handler may only store.
volatile int g_sig = 0, g_code = 0;
volatile uint64_t g_addr = 0, g_pc = 0;
std::atomic<double> g_watchdog_fired_s{0};
std::atomic<double> g_limit_s{30};  // TENSIM_WATCHDOG_S as the last launch read it

// The watchdog's signal: a real-time one nobody else in the process is likely to use.
int watchdog_signal() { return SIGRTMIN + 4; }

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction g_previous[5] = {};
int index_of(int sig) {
    for (int i = 0; i < 5; ++i)
        if (kSignals[i] == sig) return i;
    return -1;
}

uint64_t pc_of(void* ctx) {
#if defined(__x86_64__)
    return static_cast<uint64_t>(static_cast<ucontext_t*>(ctx)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return static_cast<uint64_t>(static_cast<ucontext_t*>(ctx)->uc_mcontext.pc);
#else
    (void)ctx;
    return 0;
#endif
}

pid_t this_tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

// The running kernel, if its thread is the one that took the signal.
const Running* running_here() {
    const Running* r = detail::g_running.load(std::memory_order_relaxed);
    return r && r->escape && r->tid == this_tid() ? r : nullptr;
}

[[noreturn]] void jump(const Running* r, int sig, int code, uint64_t addr, uint64_t pc) {
    g_sig = sig;
    g_code = code;
    g_addr = addr;
    g_pc = pc;
    siglongjmp(*r->escape, 2);
}

// Async-signal-safe: reads plain words, calls sigaction/raise/siglongjmp only.
void on_signal(int sig, siginfo_t* info, void* ctx) {
    if (escape(sig, info, ctx)) return;  // not reached: escape jumps when it can
    const int i = index_of(sig);
    if (i >= 0) sigaction(sig, &g_previous[i], nullptr);
    // A fault re-executes its instruction under the previous handler; a sent signal (raise,
    // abort's second try) must be sent again.
    if (info->si_code <= 0) raise(sig);
}

void on_watchdog(int, siginfo_t*, void* ctx) {
    const Running* r = running_here();
    const uint64_t pc = pc_of(ctx);
    // Only where the kernel's own code runs: tensim's code it called may hold state half-updated.
    // The watchdog sends again a moment later if the kernel was elsewhere.
    if (r && pc >= r->code_begin && pc < r->code_end) jump(r, kWatchdog, 0, pc, pc);
}

double watchdog_seconds() {
    const char* s = std::getenv("TENSIM_WATCHDOG_S");
    if (!s || !*s) return 30;
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    return end && *end == '\0' && v >= 0 ? v : 30;
}

// Sleeps in short ticks; fires when a kernel has held the CPU with no thread resuming for the
// limit. Reads two atomics per tick, so it costs the simulation nothing.
void watchdog_loop(pid_t tid) {
    using clock = std::chrono::steady_clock;
    uint64_t seen = detail::g_resumes.load(std::memory_order_relaxed);
    auto since = clock::now();
    for (;;) {
        const double limit = g_limit_s.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(limit > 0 && limit < 4 ? 50 : 250));
        const uint64_t now_seen = detail::g_resumes.load(std::memory_order_relaxed);
        const Running* r = detail::g_running.load(std::memory_order_relaxed);
        if (!r || now_seen != seen || limit <= 0) {
            seen = now_seen;
            since = clock::now();
            continue;
        }
        if (std::chrono::duration<double>(clock::now() - since).count() >= limit) {
            g_watchdog_fired_s.store(limit);
            syscall(SYS_tgkill, getpid(), tid, watchdog_signal());
        }
    }
}

std::string demangle(const char* name) {
    if (!name) return "?";
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                             std::free);
    return status == 0 && d ? d.get() : name;
}

// "kernel_main()+0x1c in the kernel" or "memcpy+0x10 in libc.so.6, code the kernel called".
std::string where_pc(uint64_t pc, const Running& r) {
    if (pc == 0) return "an unknown instruction";
    Dl_info info{};
    std::string at = fmt::format("0x{:x}", pc);
    if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_fname) {
        const uint64_t base = reinterpret_cast<uint64_t>(info.dli_saddr);
        at = info.dli_sname
                 ? fmt::format("{}+0x{:x}", demangle(info.dli_sname), pc - base)
                 : fmt::format("0x{:x}", pc - reinterpret_cast<uint64_t>(info.dli_fbase));
        if (pc >= r.code_begin && pc < r.code_end) return at + " in the kernel";
        std::string lib = info.dli_fname;
        lib = lib.substr(lib.find_last_of('/') + 1);
        return fmt::format("{} in {}, code the kernel called", at, lib);
    }
    return at;
}

}  // namespace

bool escape(int sig, void* info_v, void* ctx) {
    const Running* r = running_here();
    if (!r) return false;
    auto* info = static_cast<siginfo_t*>(info_v);
    jump(r, sig, info->si_code, reinterpret_cast<uint64_t>(info->si_addr), pc_of(ctx));
}

void install() {
    static const bool done = [] {
        // An alternate stack: a kernel that overflows its own stack still gets its report.
        // Static, not malloc'd: it was leaked whenever a stack was already installed (ASan
        // installs its own; LeakSanitizer reported it).
        alignas(16) static char alt_stack[64 * 1024];
        stack_t ss{};
        ss.ss_size = sizeof alt_stack;
        ss.ss_sp = alt_stack;
        stack_t old{};
        if (sigaltstack(nullptr, &old) == 0 && (old.ss_flags & SS_DISABLE))
            sigaltstack(&ss, nullptr);
        struct sigaction sa = {};
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 5; ++i) {
            // The L1 view owns SIGSEGV when it is installed and passes on what it does not map.
            if (kSignals[i] == SIGSEGV && l1_view::limit() != 0) continue;
            sigaction(kSignals[i], &sa, &g_previous[i]);
        }
        struct sigaction wd = {};
        wd.sa_sigaction = on_watchdog;
        wd.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&wd.sa_mask);
        sigaction(watchdog_signal(), &wd, nullptr);
        return true;
    }();
    (void)done;
}

void arm_watchdog() {
    static std::once_flag once;
    // Read here, on the SystemC thread: getenv on the watchdog's thread could race a setenv.
    const double limit = watchdog_seconds();
    g_limit_s.store(limit);
    if (limit <= 0) return;
    std::call_once(once, [] { std::thread(watchdog_loop, this_tid()).detach(); });
}

Fault last_fault() { return {g_sig, g_code, g_addr, g_pc}; }

std::string describe(const Fault& f, const Running& r) {
    const std::string pc = where_pc(f.pc, r);
    // Sent by raise/kill rather than raised by an instruction: si_addr then holds no address.
    if (f.sig != kWatchdog && f.code <= 0 && f.sig != SIGABRT)
        return fmt::format("signal {} ({}) sent by raise or kill, at pc {}", f.sig,
                           f.sig == SIGBUS ? "SIGBUS" : strsignal(f.sig), pc);
    switch (f.sig) {
        case kWatchdog:
            return fmt::format(
                "watchdog: the kernel ran {:g} s of wall time while simulated time stood still (a "
                "loop that never calls the kernel API?); stopped at {} (TENSIM_WATCHDOG_S sets the "
                "limit, 0 turns it off)",
                g_watchdog_fired_s.load(), pc);
        case SIGSEGV:
            if (f.code == SI_KERNEL)
                return fmt::format(
                    "SIGSEGV (general protection: a non-canonical address, not "
                    "reported by the CPU), pc {}",
                    pc);
            return fmt::format("SIGSEGV (invalid memory access) at address 0x{:x}, pc {}", f.addr,
                               pc);
        case SIGBUS:
            return fmt::format(
                "SIGBUS (bus error: misaligned or unbacked memory) at address "
                "0x{:x}, pc {}",
                f.addr, pc);
        case SIGFPE:
            return fmt::format("SIGFPE ({}) at pc {}",
                               f.code == FPE_INTDIV   ? "integer divide by zero"
                               : f.code == FPE_INTOVF ? "integer overflow"
                                                      : "arithmetic exception",
                               pc);
        case SIGILL:
            return fmt::format(
                "SIGILL (illegal instruction: __builtin_trap or undefined "
                "behaviour) at pc {}",
                pc);
        case SIGABRT:
            return fmt::format(
                "SIGABRT (the kernel called abort: a failed assert or "
                "std::terminate; its message is above) at pc {}",
                pc);
        default:
            return fmt::format("signal {} at pc {}", f.sig, pc);
    }
}

CodeRange code_range_of(const void* fn) {
    struct Find {
        uint64_t fn;
        CodeRange out;
    } find{reinterpret_cast<uint64_t>(fn), {}};
    if (!fn) return {};
    dl_iterate_phdr(
        [](dl_phdr_info* pi, size_t, void* data) {
            auto* f = static_cast<Find*>(data);
            for (int i = 0; i < pi->dlpi_phnum; ++i) {
                const ElfW(Phdr)& ph = pi->dlpi_phdr[i];
                if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
                const uint64_t begin = pi->dlpi_addr + ph.p_vaddr;
                if (f->fn < begin || f->fn >= begin + ph.p_memsz) continue;
                f->out = {begin, begin + ph.p_memsz};
                return 1;
            }
            return 0;
        },
        &find);
    return find.out;
}

}  // namespace tensim::kernel_guard
