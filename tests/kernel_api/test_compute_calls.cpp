// The compute calls issue 12 found wrong or missing, each against a host reference: exp_tile's
// scale in TT-Metalium's current signature, a transpose asked for at any matmul init, max_tile,
// binary_max_tile / binary_min_tile with a VectorMode, softplus_tile, reduce_block_max_row,
// reduce_revert_delta, compute_kernel_hw_startup.h, release_dst after tile_regs_release; and the
// SFPU time of the new ops, taken from the architecture file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/arch_loader.hpp"
#include "compute_run.hpp"
#include "tensim/host/tensim.hpp"

using namespace compute_run;

namespace {

std::vector<float> operand(float scale, float offset) {
    std::vector<float> v(1024);
    for (uint32_t i = 0; i < 1024; ++i) v[i] = scale * float(int(i * 37 % 61) - 30) + offset;
    return v;
}

// A one-tile SFPU kernel: c_0 tile 0 to Dst 0, `body`, Dst 0 packed.
std::string unary_kernel(const std::string& includes, const std::string& body) {
    return includes + R"(
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
)" + body + kUnaryTail;
}

// exp_tile<approx, scale_en, input_clamping>(i, mode, scale), TT-Metalium's current signature: the
// scale multiplies the input before the exponential. The precise path takes the call's bf16 scale,
// the approximate paths exp_tile_init's fp32 one.
TEST(ComputeCalls, ExpTileAppliesItsScale) {
    const auto x = operand(1.0f / 32, 0.0f);  // within [-1, 1]: e^2x and e^x are far apart
    struct Case {
        const char* body;
        double tolerance;  // relative
    } cases[] = {
        {"exp_tile_init(); exp_tile<false, true>(0, VectorMode::RC, 0x4000);", 1e-5},
        // The approximate paths take the init's scale and ignore the call's (3.0 here).
        {"exp_tile_init<true, 0x40000000, InputClamping::None>();"
         " exp_tile<true, true, InputClamping::None>(0, VectorMode::RC, 0x4040);",
         0.08},
        {"exp_tile_init<true, 0x40000000>(); exp_tile<true, true>(0, VectorMode::RC, 0x4040);",
         0.08},
    };
    for (const Case& c : cases) {
        auto out = run(unary_kernel("#include \"api/compute/eltwise_unary/exp.h\"\n"
                                    "#include \"api/compute/tile_move_copy.h\"",
                                    c.body),
                       x, {}, 1);
        for (uint32_t i = 0; i < 1024; i += 7) {
            const double want = std::exp(2.0 * x[i]);
            ASSERT_NEAR(out[i], want, want * c.tolerance) << c.body << " x=" << x[i];
        }
    }
}

// A transpose asked for at the init transposes each in1 tile, whichever init asks and whether or
// not the op repeats it: Q.K^T.
TEST(ComputeCalls, TransposeAtEveryMatmulInit) {
    const auto a = operand(0.25f, 0.5f), b = operand(0.5f, -0.25f);
    auto ref = [&](uint32_t i, uint32_t j, bool transpose) {
        double s = 0;
        for (uint32_t k = 0; k < 32; ++k)
            s += double(a[at(i, k)]) * double(transpose ? b[at(j, k)] : b[at(k, j)]);
        return s;
    };
    const std::string tile = "matmul_tiles(0, 1, 0, 0, 0);";
    const std::string block = "matmul_block(0, 1, 0, 0, 0, 1, 1, 1, 1);";
    struct Init {
        std::string init, op;
        bool transpose;
    } inits[] = {
        {"mm_init(0, 1, 16, 1);", tile, true},
        {"mm_init(0, 1, 16); mm_init_short(0, 1, 1);", tile, true},
        {"compute_kernel_hw_startup<SrcOrder::Reverse>(0, 1, 16); matmul_init(0, 1, 1);", tile,
         true},
        {"mm_block_init(0, 1, 16, 1, 1, 1, 1);", block, true},
        {"mm_init(0, 1, 16); mm_block_init_short(0, 1, 1, 1, 1, 1);", block, true},
        {"compute_kernel_hw_startup(1, 0, 16); matmul_block_init(0, 1, 1, 1, 1, 1);", block, true},
        {"mm_init(0, 1, 16, 0);", tile, false},  // the control
    };
    for (const auto& [init, op, transpose] : inits) {
        auto out = run(R"(#include "api/compute/matmul.h"
#include "api/compute/compute_kernel_hw_startup.h"
void kernel_main() {
    )" + init + R"(
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    )" + op + kUnaryTail,
                       a, b, 1);
        for (uint32_t i : {0u, 7u, 16u, 31u})
            for (uint32_t j : {0u, 9u, 17u, 30u}) {
                const double want = ref(i, j, transpose);
                ASSERT_NEAR(out[at(i, j)], want, std::abs(want) * 1e-2 + 0.05)
                    << init << " " << op << " at " << i << "," << j;
            }
    }
}

// Two operand tiles in Dst 0 and 1 (from c_0 and c_1), `body`, Dst 0 packed.
std::vector<float> run_two(const std::string& body, const std::vector<float>& a,
                           const std::vector<float>& b) {
    return run(R"(#include "api/compute/binary_max_min.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0); copy_tile(1, 0, 1);
)" + body + kUnaryTail,
               a, b, 1);
}

TEST(ComputeCalls, MaxTileAndBinaryMaxMinWithVectorMode) {
    const auto a = operand(0.5f, 0.25f), b = operand(-0.5f, 0.0f);
    // max_tile's second operand is the next Dst tile, whatever idst1 says (tt-llk's
    // _calculate_max_).
    auto mx = run_two("max_tile_init(); max_tile(0, 5);", a, b);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_EQ(mx[i], std::max(a[i], b[i])) << i;
    auto mn = run_two("binary_min_tile_init(); binary_min_tile(0, 1, 0);", a, b);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_EQ(mn[i], std::min(a[i], b[i])) << i;
    // VectorMode::R: faces 0 and 1 (rows 0-15); C: faces 0 and 2 (columns 0-15).
    for (const char* mode : {"R", "C", "RC"}) {
        auto out =
            run_two(std::string("binary_max_tile_init(); binary_max_tile(0, 1, 0, VectorMode::") +
                        mode + ");",
                    a, b);
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) {
                const bool on = std::string(mode) == "RC" || (std::string(mode) == "R" && r < 16) ||
                                (std::string(mode) == "C" && c < 16);
                const uint32_t i = at(r, c);
                ASSERT_EQ(out[i], on ? std::max(a[i], b[i]) : a[i]) << mode << " " << r << "," << c;
            }
    }
}

TEST(ComputeCalls, SoftplusTile) {
    const auto x = operand(0.25f, 0.0f);  // [-7.5, 7.5]
    // beta 2, 1/beta 0.5, threshold 10: the identity where 2x >= 10.
    auto out = run(unary_kernel("#include \"api/compute/eltwise_unary/softplus.h\"\n"
                                "#include \"api/compute/tile_move_copy.h\"",
                                "softplus_tile_init(); softplus_tile(0, 0x40000000u, 0x3F000000u, "
                                "0x41200000u);"),
                   x, {}, 1);
    for (uint32_t i = 0; i < 1024; ++i) {
        const double want = 2.0 * x[i] >= 10.0 ? x[i] : std::log1p(std::exp(2.0 * x[i])) / 2.0;
        ASSERT_NEAR(out[i], want, 1e-6 + std::abs(want) * 1e-6) << x[i];
    }
}

// reduce_block_max_row<2>: the rows of two adjacent tiles reduced by MAX into column 0.
TEST(ComputeCalls, ReduceBlockMaxRowAndRevertDelta) {
    auto in = ramp(2, 0.5f);
    std::vector<float> ones(1024, 1.0f);
    auto out = run(R"(#include "api/compute/reduce_custom.h"
#include "api/compute/reduce.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 1, 16);
    reduce_block_max_row_init<2>();
    cb_wait_front(0, 2); cb_wait_front(1, 1);
    tile_regs_acquire();
    reduce_block_max_row<2>(0, 1, 0, 0);
    reduce_block_max_row_uninit(0);
    reduce_revert_delta<ReduceDim::REDUCE_ROW>(16);)" +
                       std::string(kUnaryTail),
                   in, ones, 1);
    for (uint32_t r = 0; r < 32; ++r) {
        float want = -1e30f;
        for (uint32_t t = 0; t < 2; ++t)
            for (uint32_t c = 0; c < 32; ++c) want = std::max(want, in[t * 1024 + at(r, c)]);
        ASSERT_EQ(out[at(r, 0)], want) << r;
    }
}

// release_dst after tile_regs_commit / tile_regs_release holds nothing to release: accepted, as
// on silicon, and the next tile runs normally.
TEST(ComputeCalls, ReleaseDstAfterTileRegsRelease) {
    const auto x = operand(1.0f, 0.0f);
    auto out = run(R"(#include "api/compute/tile_move_copy.h"
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1);
    for (int k = 0; k < 2; ++k) {
        tile_regs_acquire(); copy_tile(0, 0, 0); tile_regs_commit();
        tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1);
        tile_regs_release();
        release_dst();
    }
})",
                   x, {}, 2);
    for (uint32_t i = 0; i < 2048; i += 3) ASSERT_EQ(out[i], x[i % 1024]) << i;
}

// The SFPU time of one call of each new op is the architecture file's figure for it: softplus its
// own row, max (binary SFPU) one simple op's, two faces of binary_max_tile half of that.
TEST(ComputeCalls, SfpuCyclesComeFromTheArchitectureFile) {
    std::ifstream in(tensim::arch_dir() + "/wormhole_b0.json");
    const auto sfpu = nlohmann::json::parse(in)["sfpu"];
    const uint64_t softplus = sfpu["softplus"]["value"][1];
    const uint64_t simple = sfpu["add_scalar"]["value"][1];  // precise; APPROX is false
    const auto x = operand(0.25f, 0.0f);
    auto sfpu_cycles = [&](const std::string& body) {
        uint64_t cycles = 0;
        run(unary_kernel("#include \"api/compute/eltwise_unary/softplus.h\"\n"
                         "#include \"api/compute/binary_max_min.h\"\n"
                         "#include \"api/compute/tile_move_copy.h\"",
                         body),
            x, {}, 1, {},
            [&](IDevice* d) { cycles = tensim::last_program_stats(d).compute.at(0).sfpu_cycles; });
        return cycles;
    };
    EXPECT_EQ(sfpu_cycles("softplus_tile_init(); softplus_tile(0, 0x3F800000u, 0x3F800000u, "
                          "0x41A00000u);"),
              softplus);
    EXPECT_EQ(sfpu_cycles("max_tile_init(); max_tile(0, 1);"), simple);
    EXPECT_EQ(sfpu_cycles("binary_max_tile_init(); binary_max_tile(0, 0, 0, VectorMode::R);"),
              simple / 2);
}

}  // namespace
