// Kernels that crash or spin (sim/tensix/kernel_guard.hpp): every signal a kernel's own code can
// raise becomes a KernelError naming the chip, core, RISC, kernel file and the address, the
// watchdog stops a kernel that loops without calling the API, and after each the device runs the
// next program.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

std::string kernel_error(IDevice* device, std::string src, CoreCoord core = {1, 2},
                         bool compute = false) {
    Program p = CreateProgram();
    // Kernels that fault on purpose: in a sanitizer build (tools/sanitize.sh) ASan or UBSan would
    // report the wild store or the division first and end the process; this tests the CPU's fault.
    const std::string mark = "NO_SANITIZE ";
    if (const size_t at = src.find(mark); at != std::string::npos)
        src.replace(at, mark.size(), "__attribute__((no_sanitize(\"address\", \"undefined\"))) ");
    KernelHandle k = compute ? CreateKernelFromString(p, src, core, ComputeConfig{})
                             : CreateKernelFromString(p, src, core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {0u});
    try {
        EnqueueProgram(device->command_queue(), p, true);
    } catch (const tensim::KernelError& e) {
        static int n = 0;  // each report in --gtest_output=xml, for docs/robustness.md
        ::testing::Test::RecordProperty("report" + std::to_string(++n), e.what());
        return e.what();
    }
    ADD_FAILURE() << "no KernelError";
    return "";
}

// After a fault the device still runs a program, which computes what it should.
void expect_next_program_runs(IDevice* device) {
    Program p = CreateProgram();
    const CoreCoord core{1, 2};
    const uint32_t addr = 400 * 1024;
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t a = get_arg_val<uint32_t>(0), v = get_arg_val<uint32_t>(1);
    *(volatile uint32_t*)a = v * 3;
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {addr, 14u});
    EnqueueProgram(device->command_queue(), p, true);
    std::vector<uint32_t> w;
    detail::ReadFromDeviceL1(device, core, addr, 4, w);
    EXPECT_EQ(w.at(0), 42u);
}

// The parts every report has: chip, core, RISC, the kernel's source file.
void expect_names_kernel(const std::string& msg, const char* risc = "BRISC") {
    EXPECT_NE(msg.find("chip0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(1,2)"), std::string::npos) << msg;
    EXPECT_NE(msg.find(risc), std::string::npos) << msg;
    EXPECT_NE(msg.find("kernel_"), std::string::npos) << msg;  // CreateKernelFromString's file
    EXPECT_NE(msg.find(".cpp"), std::string::npos) << msg;
}

TEST(KernelFaults, WildPointerIsSigsegvWithTheAddress) {
#if defined(__SANITIZE_ADDRESS__)
    const std::string wild = "0x500000000000";  // 0x100000000000 is ASan's (mapped) shadow memory
#else
    const std::string wild = "0x100000000000";
#endif
    IDevice* device = CreateDevice(0);
    const std::string m =
        kernel_error(device, R"(#include "dataflow_api.h"
NO_SANITIZE void kernel_main() { *(volatile uint32_t*)()" +
                                 wild + R"(ull + get_arg_val<uint32_t>(0)) = 1; })");
    expect_names_kernel(m);
    EXPECT_NE(m.find("SIGSEGV"), std::string::npos) << m;
    EXPECT_NE(m.find(wild), std::string::npos) << m;
    EXPECT_NE(m.find("in the kernel"), std::string::npos) << m;  // the pc lies in its own code
    // Past 2^47 the CPU reports no address (a general-protection fault): said so, not "0x0".
    const std::string gp = kernel_error(device, R"(#include "dataflow_api.h"
NO_SANITIZE void kernel_main() { *(volatile uint32_t*)(0xdead00000000ull + get_arg_val<uint32_t>(0)) = 1; })");
    EXPECT_NE(gp.find("general protection"), std::string::npos) << gp;
    expect_next_program_runs(device);
    CloseDevice(device);
}

TEST(KernelFaults, DivideByZeroIsSigfpe) {
    IDevice* device = CreateDevice(0);
    const std::string m = kernel_error(device, R"(#include "dataflow_api.h"
NO_SANITIZE void kernel_main() {
    volatile uint32_t zero = get_arg_val<uint32_t>(0);
    *(volatile uint32_t*)(400 * 1024) = 7u / zero;
})");
    expect_names_kernel(m);
    EXPECT_NE(m.find("SIGFPE (integer divide by zero)"), std::string::npos) << m;
    expect_next_program_runs(device);
    CloseDevice(device);
}

TEST(KernelFaults, TrapIsSigillAndAbortIsSigabrt) {
    IDevice* device = CreateDevice(0);
    const std::string trap = kernel_error(device, R"(#include "dataflow_api.h"
void kernel_main() { if (get_arg_val<uint32_t>(0) == 0) __builtin_trap(); })");
    expect_names_kernel(trap);
    EXPECT_NE(trap.find("SIGILL"), std::string::npos) << trap;
    const std::string ab = kernel_error(device, R"(#include "dataflow_api.h"
#include <cassert>
void kernel_main() { assert(get_arg_val<uint32_t>(0) == 1); })");
    expect_names_kernel(ab);
    EXPECT_NE(ab.find("SIGABRT"), std::string::npos) << ab;
    // A second abort in the same process is contained too (abort's own state was left clean).
    const std::string ab2 = kernel_error(device, R"(#include "dataflow_api.h"
#include <cstdlib>
void kernel_main() { if (get_arg_val<uint32_t>(0) == 0) abort(); })");
    EXPECT_NE(ab2.find("SIGABRT"), std::string::npos) << ab2;
    expect_next_program_runs(device);
    CloseDevice(device);
}

TEST(KernelFaults, BusErrorAndComputeKernelCrash) {
    IDevice* device = CreateDevice(0);
    const std::string bus = kernel_error(device, R"(#include "dataflow_api.h"
#include <csignal>
void kernel_main() { if (get_arg_val<uint32_t>(0) == 0) raise(SIGBUS); })");
    expect_names_kernel(bus);
    EXPECT_NE(bus.find("SIGBUS"), std::string::npos) << bus;
    // A compute kernel's math thread: the report names TRISC1.
    const std::string c = kernel_error(device, R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN { MATH(__builtin_trap();) }
})",
                                       {1, 2}, true);
    expect_names_kernel(c, "TRISC1");
    EXPECT_NE(c.find("SIGILL"), std::string::npos) << c;
    expect_next_program_runs(device);
    CloseDevice(device);
}

TEST(KernelFaults, WatchdogStopsAKernelThatSpinsWithoutTheApi) {
    ::setenv("TENSIM_WATCHDOG_S", "1", 1);
    IDevice* device = CreateDevice(0);
    const std::string m = kernel_error(device, R"(#include "dataflow_api.h"
void kernel_main() {
    volatile uint32_t n = get_arg_val<uint32_t>(0);
    for (;;) n = n + 1;
})");
    ::unsetenv("TENSIM_WATCHDOG_S");
    expect_names_kernel(m);
    EXPECT_NE(m.find("watchdog"), std::string::npos) << m;
    EXPECT_NE(m.find("TENSIM_WATCHDOG_S"), std::string::npos) << m;
    EXPECT_NE(m.find("in the kernel"), std::string::npos) << m;
    expect_next_program_runs(device);
    CloseDevice(device);
}

}  // namespace

namespace {
// A kernel that recurses past its 1 MiB stack: the guard page below a SystemC stack faults and the
// handler, on its own stack, still reports it.
TEST(KernelFaults, StackOverflowIsReported) {
    IDevice* device = CreateDevice(0);
    const std::string m = kernel_error(device, R"(#include "dataflow_api.h"
uint32_t deep(uint32_t n) {
    volatile char frame[4096];
    frame[0] = char(n);
    return n == 0 ? 0 : deep(n - 1) + frame[0];
}
void kernel_main() { *(volatile uint32_t*)(400 * 1024) = deep(get_arg_val<uint32_t>(0) + 100000); })");
    expect_names_kernel(m);
    EXPECT_NE(m.find("SIGSEGV"), std::string::npos) << m;
    expect_next_program_runs(device);
    CloseDevice(device);
}
}  // namespace

namespace {
// An error tensim raises with its own source location names no line of its own sources as the
// kernel's (RiscThread::where); one raised at a kernel call names the kernel's line.
TEST(KernelFaults, ErrorsNameTheKernelsLineNotTheLibrarys) {
    IDevice* device = CreateDevice(0);
    const std::string lib = kernel_error(device, R"(#include "dataflow_api.h"
void kernel_main() {
    *(volatile uint32_t*)(400 * 1024) = get_semaphore(99 + get_arg_val<uint32_t>(0));
})");
    EXPECT_NE(lib.find("get_semaphore(99)"), std::string::npos) << lib;
    EXPECT_EQ(lib.find("(line"), std::string::npos) << lib;
    EXPECT_EQ(lib.find("dataflow.cpp"), std::string::npos) << lib;
    const std::string own = kernel_error(device, R"(#include "dataflow_api.h"
void kernel_main() {
    get_arg_val<uint32_t>(0);
    cb_reserve_back(9, 1);
})");
    EXPECT_NE(own.find("(line 4)"), std::string::npos) << own;
    CloseDevice(device);
}
}  // namespace
