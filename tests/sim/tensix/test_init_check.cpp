// Init-call state: ops run under the configuration the compute API's init calls left in the
// engines (stale formats, eltwise type, transpose, broadcast, reduce, SFPU op), and check mode
// (set_init_check / TENSIM_CHECK=init) names the op's line and the init call's line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <tensim/host/tensim.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "common/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

constexpr uint32_t kBase = 97248;  // the unreserved base: the first CB's address
uint32_t at(uint32_t r, uint32_t c) {
    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
}

struct Result {
    std::vector<float> out;  // c_16, fp32
    uint64_t cycles = 0;
    std::string error;  // the KernelError's message, if the program failed
};

// Runs `compute` on core (0,0): c_0 holds tile `in0` (fp32, or bf16 when in0_bf16), c_1 holds
// `in1` (fp32), the output c_16 is fp32, c_17 bf16. Returns c_16.
Result run(const std::string& compute, const std::vector<float>& in0, const std::vector<float>& in1,
           bool in0_bf16 = false) {
    Result res;
    IDevice* d = CreateDevice(0);
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    const uint32_t s0 = in0_bf16 ? 2048 : 4096;
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(s0, {{CBIndex::c_0, in0_bf16 ? DataFormat::Float16_b
                                                                           : DataFormat::Float32}})
                             .set_page_size(CBIndex::c_0, s0));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(4096, {{CBIndex::c_1, DataFormat::Float32}})
                             .set_page_size(CBIndex::c_1, 4096));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(4096, {{CBIndex::c_16, DataFormat::Float32}})
                             .set_page_size(CBIndex::c_16, 4096));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(2048, {{CBIndex::c_17, DataFormat::Float16_b}})
                             .set_page_size(CBIndex::c_17, 2048));
    std::vector<uint32_t> w0, w1(1024);
    if (in0_bf16) {
        w0.resize(512);
        for (uint32_t i = 0; i < 1024; ++i) {
            uint32_t bits;
            std::memcpy(&bits, &in0[i], 4);
            w0[i / 2] |= (bits >> 16) << (16 * (i % 2));
        }
    } else {
        w0.resize(1024);
        std::memcpy(w0.data(), in0.data(), 4096);
    }
    std::memcpy(w1.data(), in1.data(), 4096);
    detail::WriteToDeviceL1(d, core, kBase, w0);
    detail::WriteToDeviceL1(d, core, kBase + s0, w1);
    auto r = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); cb_reserve_back(1, 1); cb_push_back(1, 1); })",
                                    core, ReaderDataMovementConfig{});
    (void)r;
    CreateKernelFromString(p, compute, core, ComputeConfig{.fp32_dest_acc_en = true});
    try {
        EnqueueProgram(d->command_queue(), p, true);
        std::vector<uint32_t> raw;
        detail::ReadFromDeviceL1(d, core, kBase + s0 + 4096, 4096, raw);
        res.out.resize(1024);
        std::memcpy(res.out.data(), raw.data(), 4096);
        res.cycles = tensim::last_program_stats(d).device_cycles;
    } catch (const tensim::KernelError& e) {
        res.error = e.what();
    }
    CloseDevice(d);
    return res;
}

std::vector<float> ramp(float scale = 1.0f, float offset = 0.0f) {
    std::vector<float> v(1024);
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c)
            v[at(r, c)] = scale * float(int((r * 32 + c) % 251) - 125) + offset;
    return v;
}

// The body of a compute kernel between tile_regs_acquire and the pack of Dst 0 to `out_cb`.
std::string kernel(const std::string& init, const std::string& op,
                   const std::string& out_cb = "16") {
    return "#include \"compute_kernel_api.h\"\n#include "
           "\"compute_kernel_api/eltwise_unary/exp.h\"\n"
           "void kernel_main() {\n" +
           init + "\n    cb_wait_front(0, 1); cb_wait_front(1, 1);\n    tile_regs_acquire();\n" +
           op + "\n    tile_regs_commit();\n    tile_regs_wait(); cb_reserve_back(" + out_cb +
           ", 1); pack_tile(0, " + out_cb + "); cb_push_back(" + out_cb +
           ", 1); tile_regs_release();\n}\n";
}

class InitCheck : public ::testing::Test {
protected:
    void TearDown() override { tensim::set_init_check(false); }
    Result checked(const std::string& src, bool in0_bf16 = false) {
        tensim::set_init_check(true);
        Result r = run(src, ramp(), ramp(0.5f, 3.0f), in0_bf16);
        tensim::set_init_check(false);
        return r;
    }
};

// Both kernel lines appear in the message: the op's (line `op_line`) and the init call's.
void expect_names(const std::string& msg, int op_line, const std::string& init_call,
                  int init_line) {
    EXPECT_NE(msg.find(":" + std::to_string(op_line) + " needs"), std::string::npos) << msg;
    if (init_line > 0) {
        EXPECT_NE(msg.find(init_call + " at "), std::string::npos) << msg;
        EXPECT_NE(msg.find(":" + std::to_string(init_line) + ")"), std::string::npos) << msg;
    } else {
        EXPECT_NE(msg.find("never set by an init call"), std::string::npos) << msg;
    }
    EXPECT_NE(msg.find("[init check]"), std::string::npos) << msg;
}

// Line numbers below: kernel() puts the init on line 4 and the op on line 7.
constexpr int kInitLine = 4, kOpLine = 7;

TEST_F(InitCheck, CorrectKernelPassesAndMatchesTheUncheckedRun) {
    const std::string src = kernel("    binary_op_init_common(0, 1, 16); add_tiles_init(0, 1);",
                                   "    add_tiles(0, 1, 0, 0, 0);");
    Result plain = run(src, ramp(), ramp(0.5f, 3.0f));
    Result c = checked(src);
    ASSERT_TRUE(c.error.empty()) << c.error;
    EXPECT_EQ(plain.out, c.out);
    EXPECT_EQ(plain.cycles, c.cycles);
    auto a = ramp(), b = ramp(0.5f, 3.0f);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_FLOAT_EQ(plain.out[i], a[i] + b[i]);
}

TEST_F(InitCheck, StaleEltwiseTypeRunsTheConfiguredOperation) {
    // mul_tiles_init programs ELWMUL; add_tiles then multiplies, as the FPU's MOP does on silicon.
    const std::string src = kernel("    binary_op_init_common(0, 1, 16); mul_tiles_init(0, 1);",
                                   "    add_tiles(0, 1, 0, 0, 0);");
    Result plain = run(src, ramp(), ramp(0.5f, 3.0f));
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    auto a = ramp(), b = ramp(0.5f, 3.0f);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_FLOAT_EQ(plain.out[i], a[i] * b[i]) << i;
    expect_names(checked(src).error, kOpLine, "mul_tiles_init", kInitLine);
}

TEST_F(InitCheck, StaleOperandFormatDecodesTheWrongFormat) {
    // SrcA is configured for c_1 (fp32); c_0 holds bf16: the unpacker reads its bytes as fp32.
    const std::string src = kernel("    unary_op_init_common(1, 16);", "    copy_tile(0, 0, 0);");
    Result plain = run(src, ramp(), ramp(0.5f, 3.0f), true);
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    auto a = ramp();
    EXPECT_NE(plain.out, a);
    // Configured for c_0 itself, the copy is exact (the ramp is exact in bf16).
    Result right = run(kernel("    unary_op_init_common(0, 16);", "    copy_tile(0, 0, 0);"),
                       ramp(), ramp(), true);
    EXPECT_EQ(right.out, a);
    expect_names(checked(src, true).error, kOpLine, "unary_op_init_common", kInitLine);
}

TEST_F(InitCheck, StalePackFormatIsNamed) {
    // The packer is configured for c_16 (fp32); packing to c_17 (bf16) runs under that format.
    const std::string src =
        kernel("    unary_op_init_common(0, 16);", "    copy_tile(0, 0, 0);", "17");
    Result plain = run(src, ramp(), ramp());
    EXPECT_TRUE(plain.error.empty()) << plain.error;
    std::string msg = checked(src).error;
    EXPECT_NE(msg.find("pack_tile"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unary_op_init_common at "), std::string::npos) << msg;
}

TEST_F(InitCheck, MissingSfpuInitGivesNaNAndIsNamed) {
    const std::string src = kernel("    init_sfpu(0, 16);", "    copy_tile(0, 0, 0); exp_tile(0);");
    Result plain = run(src, ramp(0.01f), ramp());
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    EXPECT_TRUE(std::isnan(plain.out[0]));
    Result with_init = run(
        kernel("    init_sfpu(0, 16); exp_tile_init();", "    copy_tile(0, 0, 0); exp_tile(0);"),
        ramp(0.01f), ramp());
    EXPECT_NEAR(with_init.out[0], std::exp(ramp(0.01f)[0]), 1e-2);
    expect_names(checked(src).error, kOpLine, "", 0);
    // An init for another op: named.
    std::string msg = checked(kernel("    init_sfpu(0, 16); log_tile_init();",
                                     "    copy_tile(0, 0, 0); exp_tile(0);"))
                          .error;
    expect_names(msg, kOpLine, "log_tile_init", kInitLine);
}

TEST_F(InitCheck, StaleTransposeAndBroadcastAndReduce) {
    auto a = ramp(), b = ramp(0.5f, 3.0f);
    // transpose_wh_tile under a plain copy configuration does not transpose.
    std::string src = kernel("    unary_op_init_common(0, 16);", "    transpose_wh_tile(0, 0, 0);");
    Result plain = run(src, a, b);
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    EXPECT_EQ(plain.out, a);
    expect_names(checked(src).error, kOpLine, "unary_op_init_common", kInitLine);
    // A COL broadcast under a ROW configuration broadcasts rows.
    src = kernel("    init_bcast<ELWADD, BroadcastType::ROW>(0, 1, 16);",
                 "    add_tiles_bcast<BroadcastType::COL>(0, 1, 0, 0, 0);");
    plain = run(src, a, b);
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c)
            ASSERT_FLOAT_EQ(plain.out[at(r, c)], a[at(r, c)] + b[at(0, c)]);
    expect_names(checked(src).error, kOpLine, "init_bcast", kInitLine);
    // A MAX reduce under a SUM configuration sums.
    src = kernel(
        "    compute_kernel_hw_startup(0, 1, 16); reduce_init<PoolType::SUM, "
        "ReduceDim::REDUCE_ROW>(0, 1, 16);",
        "    reduce_tile<PoolType::MAX, ReduceDim::REDUCE_ROW>(0, 1, 0, 0, 0);");
    std::vector<float> ones(1024, 1.0f);
    plain = run(src, a, ones);
    ASSERT_TRUE(plain.error.empty()) << plain.error;
    double sum = 0;
    for (uint32_t j = 0; j < 32; ++j) sum += a[at(0, j)];
    EXPECT_NEAR(plain.out[at(0, 0)], sum, 1e-3);
    tensim::set_init_check(true);
    std::string msg = run(src, a, ones).error;
    tensim::set_init_check(false);
    expect_names(msg, kOpLine, "reduce_init", kInitLine);
}

TEST_F(InitCheck, NoInitAtAllIsNamedAsNeverSet) {
    const std::string src = kernel("", "    add_tiles(0, 1, 0, 0, 0);");
    Result plain = run(src, ramp(), ramp(0.5f, 3.0f));
    EXPECT_TRUE(plain.error.empty()) << plain.error;  // formats fall back to the CBs' own
    expect_names(checked(src).error, kOpLine, "", 0);
}

}  // namespace
