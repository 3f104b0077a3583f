// Containment of a kernel that crashes or spins: the signals a kernel's native code can raise
// (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) and a wall-clock watchdog, each turned into a
// KernelError of the kernel's own RISC thread.
//
// Modelled: what silicon cannot do and a host process can, a fault in one RISC's code ending that
// RISC's kernel only, with a report. Abstracted: the kernel's frames are left by siglongjmp to the
// firmware loop (tensix/risc_thread.cpp), so destructors of those frames do not run; a kernel owns
// nothing but its stack, so the program is abandoned and the next one runs (docs/architecture.md,
// "Kernel faults"). A fault in tensim's own code that a kernel called is reported the same way and
// says so. The watchdog: a kernel that runs TENSIM_WATCHDOG_S wall seconds (default 30, 0 = off)
// without any kernel thread resuming (simulated time standing still) is interrupted by a signal
// and stopped once its program counter is in its own code.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <csetjmp>
#include <cstdint>
#include <string>

namespace tensim::kernel_guard {

// What ended a kernel's code by a long jump; filled in by the handler, read after the escape.
struct Fault {
    int sig = 0;        // the signal, or kWatchdog
    int code = 0;       // si_code
    uint64_t addr = 0;  // si_addr: the data address of SIGSEGV/SIGBUS, the instruction otherwise
    uint64_t pc = 0;    // the instruction that faulted (or was interrupted)
};
constexpr int kWatchdog = -1;

// The kernel thread running now, as the handlers need it.
struct Running {
    sigjmp_buf* escape = nullptr;  // the firmware loop's escape (RiscThread::run_entry)
    pid_t tid = 0;                 // the OS thread SystemC runs on
    uint64_t code_begin = 0;       // [begin, end): the kernel's own machine code
    uint64_t code_end = 0;
};

// Installs the handlers (once per process, on the thread that runs SystemC) and an alternate
// signal stack so that a kernel's stack overflow can be reported too.
void install();

// Called from the SIGSEGV handler of the L1 view for a fault it does not resolve: escapes when a
// kernel runs on this thread, else returns false (the caller chains to the previous handler).
bool escape(int sig, void* info, void* ctx);

// Starts the watchdog thread unless it runs or TENSIM_WATCHDOG_S is 0.
void arm_watchdog();

// The fault that ended the last escape.
Fault last_fault();

// "SIGSEGV (invalid memory access) at address 0x10, pc kernel_main+0x1c in the kernel": the body
// of the report.
std::string describe(const Fault& f, const Running& r);

// The [begin, end) of executable code of the shared object holding `fn`, {0, 0} if unknown.
struct CodeRange {
    uint64_t begin = 0, end = 0;
};
CodeRange code_range_of(const void* fn);

namespace detail {
extern std::atomic<const Running*> g_running;  // null while no kernel code runs
extern std::atomic<uint64_t> g_resumes;        // kernel thread starts and resumes, ever
}  // namespace detail

// A kernel thread starts or resumes (inline: called on every resume).
inline void enter(const Running* r) {
    detail::g_running.store(r, std::memory_order_relaxed);
    // One writer (the SystemC thread): a plain increment, no locked instruction per resume.
    detail::g_resumes.store(detail::g_resumes.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
}
inline void leave() { detail::g_running.store(nullptr, std::memory_order_relaxed); }

}  // namespace tensim::kernel_guard
