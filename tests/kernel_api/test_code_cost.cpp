// The cost of a kernel's own code and the device profiler: a loop's cycles grow with its trip
// count on data-movement and compute RISCs; a DeviceZoneScopedN zone lasts as long as its loop; the
// device log has tt-metal's columns; zones reach the Perfetto trace; the disassembly classifier
// counts the kernel's instructions by class and leaves the API's inlined code out.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tt_metal_profiler.hpp>
#include <vector>

#include "kernel_api/code_cost.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

// A loop of `size` nops per iteration: on the RISC, `size` nops, the counter's addi and the
// branch, one cycle each (the ISA's one instruction per cycle), so iterations cost size + 2.
const char* kDmLoop = R"(#include "dataflow_api.h"
void kernel_main() {
    for (int i = 0; i < LOOP_COUNT; i++) {
        DeviceZoneScopedN("LOOP-BODY");
#pragma GCC unroll 65534
        for (int j = 0; j < LOOP_SIZE; j++) asm volatile("nop");
    }
    DeviceTimestampedData("TRIPS", (uint64_t)LOOP_COUNT + ((uint64_t)1 << 32));
    DeviceRecordEvent(7);
}
)";
const char* kComputeLoop = R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN {
    for (int i = 0; i < LOOP_COUNT; i++) {
#pragma GCC unroll 65534
        for (int j = 0; j < LOOP_SIZE; j++) asm volatile("nop");
    }
}
}  // namespace NAMESPACE
)";
constexpr int kLoopSize = 20;
// The math thread queues one SFPU op per iteration and then runs LOOP_SIZE nops: the TRISC runs
// ahead of the SFPU, so nops that fit in the op's time cost nothing (the other TRISCs run the
// nops with no engine work; they stay shorter than the math thread).
const char* kRunAheadLoop = R"(#include "compute_kernel_api.h"
#include "compute_kernel_api/eltwise_unary/exp.h"
namespace NAMESPACE {
void MAIN {
    exp_tile_init();
    tile_regs_acquire();
    for (int i = 0; i < LOOP_COUNT; i++) {
        exp_tile(0);
#pragma GCC unroll 65534
        for (int j = 0; j < LOOP_SIZE; j++) asm volatile("nop");
    }
    tile_regs_commit();
}
}  // namespace NAMESPACE
)";

class CodeCost : public ::testing::Test {
protected:
    // Kernel code is charged with risc.code_cost on (wormhole_b0.json's default, set here in
    // case the system was loaded with overrides); the NoC issue cost then leaves the issuing
    // loop's 2 cycles to the code (docs/calibration.md).
    void SetUp() override {
        system = tensim::system_name();
        tensim::set_system(system, {"risc.code_cost=true"});
        device = CreateDevice(0);
    }
    void TearDown() override {
        CloseDevice(device);
        tensim::set_device_profiler(false);
        tensim::set_system(system);
    }
    std::string system;
    // Device cycles of one core running the loop `count` times on BRISC, or on the TRISCs.
    uint64_t run_loop(int count, bool compute, const char* compute_src = kComputeLoop,
                      int size = kLoopSize) {
        Program p = CreateProgram();
        std::map<std::string, std::string> defines = {{"LOOP_COUNT", std::to_string(count)},
                                                      {"LOOP_SIZE", std::to_string(size)}};
        if (compute)
            CreateKernelFromString(p, compute_src, CoreCoord{1, 1},
                                   ComputeConfig{.defines = defines});
        else
            CreateKernelFromString(p, kDmLoop, CoreCoord{1, 1},
                                   DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                      .noc = NOC::RISCV_0_default,
                                                      .defines = defines});
        EnqueueProgram(device->command_queue(), p, true);
        return tensim::last_program_stats(device).device_cycles;
    }
    IDevice* device = nullptr;
};

TEST_F(CodeCost, DataMovementCyclesGrowWithTripCount) {
    const uint64_t a = run_loop(100, false), b = run_loop(400, false);
    const double per_iteration = double(b - a) / 300;
    EXPECT_NEAR(per_iteration, kLoopSize + 2, 0.5) << a << " -> " << b;
}

TEST_F(CodeCost, CodeIsFreeWithTheSwitchOff) {
    CloseDevice(device);
    tensim::set_system(system, {"risc.code_cost=false"});
    device = CreateDevice(0);
    EXPECT_EQ(run_loop(100, false), run_loop(400, false));
}

TEST_F(CodeCost, ComputeCyclesGrowWithTripCount) {
    const uint64_t a = run_loop(100, true), b = run_loop(400, true);
    EXPECT_NEAR(double(b - a) / 300, kLoopSize + 2, 0.5) << a << " -> " << b;
}

TEST_F(CodeCost, ComputeCodeHidesBehindTheEngineWorkItQueued) {
    tensim::set_numerics("timing");  // cycles are the same in every mode (docs/numerics.md)
    // The exp op's SFPU time per tile, from its per-iteration cost with no code after it.
    const uint64_t a = run_loop(100, true, kRunAheadLoop, 0);
    const uint64_t b = run_loop(400, true, kRunAheadLoop, 0);
    const double op = double(b - a) / 300;
    ASSERT_GT(op, kLoopSize + 2) << "the test needs an op longer than the loop's code";
    // The same loop with kLoopSize nops after each op: as long as before on the math thread.
    const uint64_t c = run_loop(400, true, kRunAheadLoop, kLoopSize);
    tensim::set_numerics("faithful");
    EXPECT_NEAR(double(c) / double(b), 1.0, 0.01) << b << " -> " << c;
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) {
        f.erase(0, f.find_first_not_of(' '));
        out.push_back(f);
    }
    if (!line.empty() && line.back() == ',') out.push_back("");
    return out;
}

TEST_F(CodeCost, ZonesGoToTheDeviceLogWithTheirLoopsDuration) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("tensim_profiler_" + std::to_string(::getpid()));
    setenv("TT_METAL_PROFILER_DIR", dir.c_str(), 1);
    tensim::set_device_profiler(true);
    constexpr int kCount = 50;
    run_loop(kCount, false);
    detail::ReadDeviceProfilerResults(device);
    unsetenv("TT_METAL_PROFILER_DIR");

    std::ifstream in(dir / ".logs" / "profile_log_device.csv");
    ASSERT_TRUE(in) << dir;
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.rfind("ARCH: wormhole_b0, CHIP_FREQ[MHz]: 1000, Max Compute Cores: ", 0), 0u);
    std::getline(in, line);
    const std::vector<std::string> columns = {"PCIe slot",   "core_x",
                                              "core_y",      "RISC processor type",
                                              "timer_id",    "time[cycles since reset]",
                                              "data",        "run host ID",
                                              "trace id",    "trace id counter",
                                              "zone name",   "type",
                                              "source line", "source file",
                                              "meta data"};
    EXPECT_EQ(split(line), columns);

    std::vector<uint64_t> starts, ends;
    uint64_t kernel_start = 0, kernel_end = 0;
    bool data = false, event = false;
    while (std::getline(in, line)) {
        auto f = split(line);
        ASSERT_EQ(f.size(), columns.size()) << line;
        EXPECT_EQ(f[3], "BRISC") << line;  // only BRISC ran
        const uint64_t t = std::stoull(f[5]);
        if (f[10] == "LOOP-BODY") (f[11] == "ZONE_START" ? starts : ends).push_back(t);
        if (f[10] == "BRISC-KERNEL") (f[11] == "ZONE_START" ? kernel_start : kernel_end) = t;
        if (f[11] == "TS_DATA")
            data = f[10] == "TRIPS" && f[6] == std::to_string(kCount + (uint64_t(1) << 32));
        if (f[11] == "TS_EVENT") event = f[6] == "7";
    }
    EXPECT_TRUE(data);
    EXPECT_TRUE(event);
    ASSERT_EQ(starts.size(), size_t(kCount));
    ASSERT_EQ(ends.size(), size_t(kCount));
    // Each zone holds one iteration's nops; consecutive zones start one iteration apart.
    for (int i = 0; i < kCount; ++i) EXPECT_NEAR(double(ends[i] - starts[i]), kLoopSize, 2);
    EXPECT_NEAR(double(starts.back() - starts.front()) / (kCount - 1), kLoopSize + 2, 3);
    EXPECT_GE(starts.front(), kernel_start);
    EXPECT_LE(ends.back(), kernel_end);
    std::filesystem::remove_all(dir);
}

TEST_F(CodeCost, ZonesAppearInTheTrace) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("tensim_zone_trace_" + std::to_string(::getpid()) + ".json");
    tensim::RunOutputs out;
    out.trace_path = path.string();
    tensim::set_run_outputs(out);
    run_loop(3, false);
    tensim::write_run_outputs();
    tensim::set_run_outputs({});
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    size_t n = 0;
    for (size_t at = text.str().find("\"LOOP-BODY\""); at != std::string::npos;
         at = text.str().find("\"LOOP-BODY\"", at + 1))
        ++n;
    EXPECT_EQ(n, 3u);
    std::filesystem::remove(path);
}

// The classifier on a hand-written disassembly: a block of the kernel's code after each hook
// call, the API header's inlined code left out, cmp+jcc fused, a pointer load and store.
TEST(CodeCostParse, CountsTheKernelsOwnInstructionsByClass) {
    const std::string dis = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1120:	push   %rbx
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	nop
    1136:	mov    (%rdi),%eax
    1138:	imul   %eax,%ecx
    113a:	mov    %ecx,0x8(%rsi)
    113c:	add    0x10(%rsp),%ecx
/api/dataflow_api.h:10
inlined by /k/kernel.cpp:5 (_Z11kernel_mainv)
    1140:	mov    %eax,%edi
inlined by /k/kernel.cpp:5 (_Z11kernel_mainv)
    1142:	call   1050 <_ZN6tensim4kapi8noc_readEv@plt>
/k/kernel.cpp:3
    1147:	cmp    $0x7d0,%ebx
    114a:	jne    1130 <_Z11kernel_mainv+0x10>
    114c:	pop    %rbx
    114d:	jmp    1040 <__sanitizer_cov_trace_pc@plt>
    1152:	cs nopw 0x0(%rax,%rax,1)
)";
    std::vector<tensim::kapi::CallSite> calls;
    auto blocks = tensim::kapi::parse_disassembly(dis, {"/api/"}, &calls);
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].first, 0x1135u);
    const auto& c = blocks[0].second;
    EXPECT_EQ(c.plain, 2);     // nop, add from the stack (local RAM)
    EXPECT_EQ(c.mul, 1);       // imul
    EXPECT_EQ(c.l1_load, 1);   // mov (%rdi)
    EXPECT_EQ(c.l1_store, 1);  // mov to 0x8(%rsi)
    EXPECT_EQ(c.branch, 1);    // cmp + jne as one compare-and-branch; the API's call left out
    EXPECT_EQ(c.div, 0);
    // The API call inside the block, with the block's code before it (all but cmp + jne).
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].return_offset, 0x1147u);
    EXPECT_EQ(calls[0].block_offset, 0x1135u);
    EXPECT_EQ(calls[0].before.plain, c.plain);
    EXPECT_EQ(calls[0].before.l1_load, c.l1_load);
    EXPECT_EQ(calls[0].before.branch, 0);
}

// An L1 load's latency is covered by the kernel's independent instructions after it, up to the
// first one naming its register (tt-isa-documentation BabyRISCV/README.md: N - 1 independent
// instructions hide a load of latency N); a load folded into an operation covers nothing.
TEST(CodeCostParse, IndependentInstructionsAfterALoadCoverItsLatency) {
    const std::string dis = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	mov    (%rdi),%eax
    1137:	add    $0x1,%ecx
    113a:	add    $0x1,%edx
    113d:	lea    0x4(%rsi),%r8
    1141:	add    %eax,%ecx
    1143:	add    0x4(%rdi),%edx
    1146:	mov    0x8(%rdi),%r9d
    114a:	add    $0x1,%ecx
    114d:	ret
)";
    auto blocks = tensim::kapi::parse_disassembly(dis, {"/api/"});
    ASSERT_EQ(blocks.size(), 1u);
    const auto& c = blocks[0].second;
    EXPECT_EQ(c.l1_load, 3);
    // 3 independent instructions after the first load (its value is used by the 4th), none
    // after the folded one, 1 after the last before the return ends the block.
    EXPECT_EQ(c.l1_load_covered, 3 + 0 + 1);
}

// A kernel built by a sanitizer build (cmake/sanitizers.cmake) costs what its plain build costs:
// ASan's inline checks (the shadow byte at 0x7fff8000, the branch to the report) are neither
// counted nor the end of the block, though they fall inside it.
TEST(CodeCostParse, SanitizerChecksAreNotTheKernelsCode) {
    const std::string plain = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	mov    (%rdi),%ecx
    1137:	add    $0x1,%ecx
    113a:	mov    %ecx,(%rsi)
    113c:	ret
)";
    const std::string sanitized = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	mov    %rdi,%rax
    1138:	shr    $0x3,%rax
    113c:	movzbl 0x7fff8000(%rax),%eax
    1143:	test   %al,%al
    1145:	je     1154 <_Z11kernel_mainv+0x34>
    1147:	mov    %rdi,%rdx
    114a:	and    $0x7,%edx
    114d:	add    $0x3,%edx
    1150:	cmp    %al,%dl
    1152:	jge    1178 <_Z11kernel_mainv+0x58>
    1154:	mov    (%rdi),%ecx
    1156:	mov    %rsi,%rax
    1159:	shr    $0x3,%rax
    115d:	add    $0x1,%ecx
    1160:	cmpb   $0x0,0x7fff8000(%rax)
    1167:	jne    1180 <_Z11kernel_mainv+0x60>
    1169:	mov    %ecx,(%rsi)
    116b:	ret
    1178:	call   1050 <__asan_report_load4@plt>
    1180:	mov    %rsi,%rdi
    1183:	call   1060 <__asan_report_store4@plt>
)";
    auto a = tensim::kapi::parse_disassembly(plain, {"/api/"});
    auto b = tensim::kapi::parse_disassembly(sanitized, {"/api/"});
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    const auto &p = a[0].second, &s = b[0].second;
    EXPECT_EQ(p.l1_load, 1);
    EXPECT_EQ(p.l1_store, 1);
    EXPECT_EQ(p.plain, 1);  // add
    EXPECT_EQ(p.branch, 1);
    EXPECT_EQ(s.plain, p.plain);
    EXPECT_EQ(s.branch, p.branch);
    EXPECT_EQ(s.l1_load, p.l1_load);
    EXPECT_EQ(s.l1_store, p.l1_store);
    EXPECT_EQ(s.local_load, p.local_load);
    EXPECT_EQ(s.l1_load_covered, p.l1_load_covered);
}

// A load through a register that holds the address of a stack object or a global is a load of
// the RISC's local data RAM, not of L1 (tt-isa-documentation BabyRISCV/README.md: latency 2).
TEST(CodeCostParse, LoadsThroughAStackAddressAreLocal) {
    const std::string dis = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	lea    0x10(%rsp),%rbx
    113a:	mov    0x4(%rbx),%eax
    113d:	mov    %eax,0x8(%rbx)
    1140:	mov    (%rdi),%ecx
    1142:	mov    %ecx,(%rsi)
    1144:	ret
)";
    auto blocks = tensim::kapi::parse_disassembly(dis, {"/api/"});
    ASSERT_EQ(blocks.size(), 1u);
    const auto& c = blocks[0].second;
    EXPECT_EQ(c.local_load, 1);  // 0x4(%rbx)
    EXPECT_EQ(c.l1_load, 1);     // (%rdi)
    EXPECT_EQ(c.l1_store, 1);    // (%rsi); the store to 0x8(%rbx) is a plain local store
    EXPECT_EQ(c.plain, 2);       // lea, the local store
}

// A stack array's address the compiler keeps in a callee-saved register across blocks (set in one
// block, used in a loop's next ones, past calls and padding no path runs) is still local RAM; a
// register that holds an L1 pointer on any path into a block is not.
TEST(CodeCostParse, StackAddressesCarryAcrossBlocks) {
    const std::string dis = R"(
0000000000001120 <_Z11kernel_mainv>:
_Z11kernel_mainv():
/k/kernel.cpp:3
    1130:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1135:	lea    0x10(%rsp),%r15
    113a:	mov    (%rdi),%r12
    113d:	test   %esi,%esi
    113f:	je     1150 <_Z11kernel_mainv+0x30>
    1141:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1146:	mov    %r12,%r15
    1149:	nop
    1150:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1155:	mov    %rbx,0x8(%r15)
    1159:	mov    %rbx,0x8(%r12)
    115d:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1162:	lea    0x20(%rsp),%r14
    1165:	call   1050 <_ZN6tensim4kapi8noc_readEv@plt>
    1167:	jmp    116c <_Z11kernel_mainv+0x4c>
    1169:	nopl   0x0(%rax)
    116c:	call   1040 <__sanitizer_cov_trace_pc@plt>
    1171:	mov    %rbx,0x8(%r14)
    1175:	add    $0x1,%ebx
    1178:	cmp    $0x10,%ebx
    117b:	jne    116c <_Z11kernel_mainv+0x4c>
    117d:	ret
)";
    auto blocks = tensim::kapi::parse_disassembly(dis, {"/api/"});
    ASSERT_EQ(blocks.size(), 5u);
    // Block at 1150: %r15 is the stack array on one path, the loaded pointer on the other.
    EXPECT_EQ(blocks[2].first, 0x1155u);
    EXPECT_EQ(blocks[2].second.l1_store, 2);
    // Block at 116c: %r14 was set before the call and the loop, on every path into it.
    EXPECT_EQ(blocks[4].first, 0x1171u);
    EXPECT_EQ(blocks[4].second.l1_store, 0);
    EXPECT_EQ(blocks[4].second.plain, 2);  // the local store, add
}

}  // namespace
