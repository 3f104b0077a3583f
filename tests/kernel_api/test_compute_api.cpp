// Compute API semantics on small L1-resident inputs: transpose, broadcast, reduce along each
// dimension, tilize/untilize, dest reuse, matmul_block, packer L1 accumulation, out-of-order pack.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "compute_run.hpp"

using namespace tt;
using namespace tt::tt_metal;
using namespace compute_run;

namespace {

TEST(ComputeApi, TransposeWh) {
    auto in = ramp(1);
    auto out = run(R"(#include "compute_kernel_api/transpose_wh.h"
void kernel_main() {
    transpose_wh_init(0, 16);
    cb_wait_front(0, 1); tile_regs_acquire(); transpose_wh_tile(0, 0, 0); tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
})",
                   in, {}, 1);
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c) ASSERT_EQ(out[at(r, c)], in[at(c, r)]) << r << "," << c;
}

TEST(ComputeApi, BroadcastRowsColsScalar) {
    auto a = ramp(1), b = ramp(1, 0.5f);
    for (const char* dim : {"ROW", "COL", "SCALAR"}) {
        std::string src = std::string(R"(#include "compute_kernel_api/bcast.h"
void kernel_main() {
    init_bcast<ELWADD, BroadcastType::)") +
                          dim + R"(>(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire(); add_tiles_bcast<BroadcastType::)" +
                          dim + R"(>(0, 1, 0, 0, 0); tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
})";
        auto out = run(src, a, b, 1);
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) {
                float bv = std::string(dim) == "ROW"   ? b[at(0, c)]
                           : std::string(dim) == "COL" ? b[at(r, 0)]
                                                       : b[at(0, 0)];
                ASSERT_FLOAT_EQ(out[at(r, c)], a[at(r, c)] + bv) << dim << " " << r << "," << c;
            }
    }
}

TEST(ComputeApi, ReduceAlongEachDimensionAccumulatesOverTiles) {
    auto in = ramp(2);
    std::vector<float> scaler(1024, 1.0f);
    for (const char* dim : {"REDUCE_ROW", "REDUCE_COL", "REDUCE_SCALAR"})
        for (const char* pool : {"SUM", "MAX"}) {
            std::string src = std::string(R"(#include "compute_kernel_api/reduce.h"
void kernel_main() {
    reduce_init<PoolType::)") +
                              pool + ", ReduceDim::" + dim + R"(>(0, 1, 16);
    cb_wait_front(0, 2); cb_wait_front(1, 1);
    tile_regs_acquire();
    reduce_tile<PoolType::)" + pool +
                              ", ReduceDim::" + dim + R"(>(0, 1, 0, 0, 0);
    reduce_tile<PoolType::)" + pool +
                              ", ReduceDim::" + dim + R"(>(0, 1, 1, 0, 0);
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
    reduce_uninit();
})";
            auto out = run(src, in, scaler, 1);
            bool sum = std::string(pool) == "SUM";
            auto combine = [&](double acc, double v) { return sum ? acc + v : std::max(acc, v); };
            std::string d = dim;
            if (d == "REDUCE_SCALAR") {
                double acc = sum ? 0 : -1e30;
                for (float v : in) acc = combine(acc, v);
                EXPECT_NEAR(out[0], acc, std::abs(acc) * 1e-5) << pool;
                continue;
            }
            for (uint32_t k = 0; k < 32; ++k) {
                double acc = sum ? 0 : -1e30;
                for (uint32_t t = 0; t < 2; ++t)
                    for (uint32_t j = 0; j < 32; ++j)
                        acc =
                            combine(acc, in[t * 1024 + (d == "REDUCE_ROW" ? at(k, j) : at(j, k))]);
                float got = d == "REDUCE_ROW" ? out[at(k, 0)] : out[at(0, k)];
                EXPECT_NEAR(got, acc, std::abs(acc) * 1e-5 + 1e-5)
                    << pool << " " << dim << " " << k;
                // Everything else of the output tile stays zero.
                EXPECT_EQ(d == "REDUCE_ROW" ? out[at(k, 5)] : out[at(5, k)], 0.0f);
            }
        }
}

TEST(ComputeApi, TilizeAndUntilizeBlocks) {
    // c_0 holds 32 rows of 2 tiles' width, row-major; tilize gives two tiles, untilize restores
    // them.
    std::vector<float> rm(2048);
    for (uint32_t i = 0; i < rm.size(); ++i) rm[i] = float(i);
    auto tiles = run(R"(#include "compute_kernel_api/tilize.h"
void kernel_main() {
    tilize_init(0, 2, 16);
    cb_wait_front(0, 2); cb_reserve_back(16, 2);
    tilize_block(0, 2, 16);
    cb_push_back(16, 2); cb_pop_front(0, 2);
})",
                     rm, {}, 2);
    for (uint32_t t = 0; t < 2; ++t)
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c)
                ASSERT_EQ(tiles[t * 1024 + at(r, c)], rm[r * 64 + t * 32 + c]);
    auto back = run(R"(#include "compute_kernel_api/untilize.h"
void kernel_main() {
    untilize_init(0, 16);
    cb_wait_front(0, 2); cb_reserve_back(16, 2);
    untilize_block(0, 2, 16);
    cb_push_back(16, 2); cb_pop_front(0, 2);
})",
                    tiles, {}, 2);
    EXPECT_EQ(back, rm);
}

TEST(ComputeApi, DestReuseAndMatmulBlockAndL1Accumulation) {
    auto a = ramp(2), b = ramp(2, 0.25f);
    // Dst[0] = a0 (copy), then Dst[0] = Dst[0] * b0 with Dst as SrcA.
    auto out = run(R"(#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 2); cb_wait_front(1, 2);
    tile_regs_acquire();
    copy_tile_init(0); copy_tile(0, 0, 0);
    binary_dest_reuse_tiles_init<ELWMUL, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(1);
    binary_dest_reuse_tiles<ELWMUL, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(1, 0, 0);
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
})",
                   a, b, 1);
    for (uint32_t i = 0; i < 1024; ++i)
        ASSERT_NEAR(out[i], a[i] * b[i], std::abs(a[i] * b[i]) * 1e-2 + 1e-3) << i;

    // matmul_block 1x2 (rt=1, ct=2, kt=2): Dst[c] += A[0,k] x B[k,c] for one k step.
    auto mm = run(R"(#include "compute_kernel_api/matmul.h"
void kernel_main() {
    mm_block_init(0, 1, 16, 0, 2, 1, 2);
    cb_wait_front(0, 2); cb_wait_front(1, 2);
    tile_regs_acquire();
    matmul_block(0, 1, 0, 0, 0, false, 2, 1, 2);
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 2); pack_tile(0, 16); pack_tile(1, 16); cb_push_back(16, 2); tile_regs_release();
})",
                  a, b, 2);
    for (uint32_t c = 0; c < 2; ++c)
        for (uint32_t i : {0u, 7u, 31u})
            for (uint32_t j : {0u, 16u, 31u}) {
                double ref = 0;
                for (uint32_t k = 0; k < 32; ++k)
                    ref += double(a[at(i, k)]) * double(b[c * 1024 + at(k, j)]);
                EXPECT_NEAR(mm[c * 1024 + at(i, j)], ref, std::abs(ref) * 2e-2 + 0.5)
                    << c << " " << i << "," << j;
            }

    // Packer L1 accumulation: packing the same tile twice with accumulation on doubles it.
    auto acc = run(R"(#include "compute_kernel_api/tile_move_copy.h"
#include "compute_kernel_api/pack.h"
void kernel_main() {
    cb_wait_front(0, 1);
    cb_reserve_back(16, 1);
    for (int i = 0; i < 2; ++i) {
        tile_regs_acquire(); copy_tile(0, 0, 0); tile_regs_commit();
        tile_regs_wait();
        pack_reconfig_l1_acc(i);
        pack_tile<true>(0, 16, 0);
        tile_regs_release();
    }
    cb_push_back(16, 1);
})",
                   ramp(1), {}, 1);
    auto in = ramp(1);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_FLOAT_EQ(acc[i], 2 * in[i]) << i;
}

}  // namespace

namespace {
TEST(ComputeApi, LegacyReduceInitWithReduceDefines) {
    // [L] kernels configure the pool with REDUCE_OP/REDUCE_DIM defines and reduce_init<at_start>.
    auto in = ramp(1);
    std::vector<float> scaler(1024, 1.0f);
    auto out = run(R"(#define REDUCE_OP PoolType::MAX
#define REDUCE_DIM ReduceDim::REDUCE_COL
#include "compute_kernel_api/reduce.h"
namespace NAMESPACE {
void MAIN {
    reduce_init<true>(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    acquire_dst();
    reduce_tile(0, 1, 0, 0, 0);
    cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1);
    release_dst();
    reduce_revert_delta(16);
}
}
)",
                   in, scaler, 1);
    for (uint32_t c = 0; c < 32; ++c) {
        float m = -1e30f;
        for (uint32_t r = 0; r < 32; ++r) m = std::max(m, in[at(r, c)]);
        EXPECT_EQ(out[at(0, c)], m) << c;
    }
}
}  // namespace

namespace {

TEST(ComputeApi, DestReuseSubtractsInBothDirections) {
    auto a = ramp(1), b = ramp(1, 0.25f);
    for (const char* dir : {"DEST_TO_SRCA", "DEST_TO_SRCB"}) {
        std::string src = std::string(R"(#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    binary_dest_reuse_tiles<ELWSUB, EltwiseBinaryReuseDestType::)") +
                          dir + ">(1, 0, 0);" + kUnaryTail;
        auto out = run(src, a, b, 1);
        bool dst_is_a = std::string(dir) == "DEST_TO_SRCA";
        for (uint32_t i = 0; i < 1024; ++i)
            ASSERT_EQ(out[i], dst_is_a ? a[i] - b[i] : b[i] - a[i]) << dir << " " << i;
    }
}

TEST(ComputeApi, AddTilesInitAccumulatesToDest) {
    auto a = ramp(1), b = ramp(1, 0.5f);
    auto out = run(std::string(R"(#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    copy_tile(1, 0, 0);
    add_tiles_init(0, 1, true);
    add_tiles(0, 1, 0, 0, 0);)") +
                       kUnaryTail,
                   a, b, 1);
    for (uint32_t i = 0; i < 1024; ++i) ASSERT_EQ(out[i], b[i] + (a[i] + b[i])) << i;
}

TEST(ComputeApi, MatmulBlockTwoByTwoUsesTheKtStride) {
    // in0 is a 2x2 block of tiles (row-major: [r0k0, r0k1, r1k0, r1k1]), in1 2x2 too; one K step
    // (k = 1): Dst[r*2 + c] = in0[r*kt + 1] x in1[2 + c].
    auto a = ramp(4), b = ramp(4, 0.25f);
    auto out = run(R"(#include "compute_kernel_api/matmul.h"
void kernel_main() {
    mm_block_init(0, 1, 16, 0, 2, 2, 2);
    cb_wait_front(0, 4); cb_wait_front(1, 4);
    tile_regs_acquire();
    matmul_block(0, 1, 1, 2, 0, false, 2, 2, 2);
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 4);
    for (uint32_t i = 0; i < 4; ++i) pack_tile(i, 16);
    cb_push_back(16, 4); tile_regs_release();
})",
                   a, b, 4);
    for (uint32_t r = 0; r < 2; ++r)
        for (uint32_t c = 0; c < 2; ++c)
            for (uint32_t i : {0u, 13u, 31u})
                for (uint32_t j : {0u, 20u}) {
                    double ref = 0;
                    for (uint32_t k = 0; k < 32; ++k)
                        ref += double(a[(r * 2 + 1) * 1024 + at(i, k)]) *
                               double(b[(2 + c) * 1024 + at(k, j)]);
                    ASSERT_EQ(out[(r * 2 + c) * 1024 + at(i, j)], float(ref))
                        << r << c << " " << i << "," << j;
                }
}

TEST(ComputeApi, PackUntilizeBlockOfTwoRows) {
    // Four tiles as a 2x2 block become 64 row-major rows of 64 datums.
    auto in = ramp(4);
    auto out = run(R"(#include "compute_kernel_api/pack_untilize.h"
void kernel_main() {
    pack_untilize_init<2, 2>(0, 16);
    cb_wait_front(0, 4); cb_reserve_back(16, 4);
    pack_untilize_block<2, 2>(0, 2, 16);
    cb_push_back(16, 4); cb_pop_front(0, 4);
    pack_untilize_uninit(16);
})",
                   in, {}, 4);
    for (uint32_t row = 0; row < 64; ++row)
        for (uint32_t col = 0; col < 64; ++col) {
            uint32_t tile = (row / 32) * 2 + col / 32;
            ASSERT_EQ(out[row * 64 + col], in[tile * 1024 + at(row % 32, col % 32)])
                << row << "," << col;
        }
}

TEST(ComputeApi, SfpuOpsThroughTheKernelApiWithTheirParameterEncodings) {
    auto in = ramp(1, 1.0f / 64);  // small values, exact
    struct Case {
        const char* call;
        std::function<double(double)> ref;
    };
    std::vector<Case> cases = {
        {"exp_tile_init(); exp_tile(0);", [](double x) { return std::exp(x); }},
        {"log_tile_init(); abs_tile(0); add_unary_tile(0, 0x3f800000u); log_tile(0);",
         [](double x) { return std::log(std::abs(x) + 1.0); }},
        {"relu_max_tile_init(); relu_max_tile(0, 0x3f000000u);",
         [](double x) { return std::min(std::max(x, 0.0), 0.5); }},
        {"div_unary_tile(0, 0x3e800000u);",
         [](double x) { return x * 0.25; }},  // the host passes 1/4
        {"power_tile_init(); power_tile(0, 3);", [](double x) { return x * x * x; }},
    };
    for (const auto& c : cases) {
        std::string src = std::string(R"(#include "compute_kernel_api/eltwise_unary/eltwise_unary.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    )") + c.call + kUnaryTail;
        auto out = run(src, in, {}, 1);
        for (uint32_t i = 0; i < 1024; i += 7) {
            double ref = c.ref(in[i]);
            ASSERT_NEAR(out[i], ref, std::abs(ref) * 1e-5 + 1e-6) << c.call << " x=" << in[i];
        }
    }
}

TEST(ComputeApi, FastNumericsMultipliesInFullFp32) {
    std::vector<float> a(1024, 1.0f + std::ldexp(1.0f, -20)), b = a;
    const std::string src = std::string(R"(#include "compute_kernel_api/eltwise_binary.h"
void kernel_main() {
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    mul_tiles_init(0, 1);
    mul_tiles(0, 1, 0, 0, 0);)") +
                            kUnaryTail;
    tensim::set_numerics("fast");
    auto fast = run(src, a, b, 1);
    tensim::set_numerics("faithful");
    auto faithful = run(src, a, b, 1);
    EXPECT_EQ(fast[0], a[0] * b[0]);
    EXPECT_EQ(faithful[0], 1.0f);  // Src holds TF32: the 2^-20 is gone before the multiply
}

}  // namespace

namespace {

// exp_tile<approx, fast_and_approx, scale_en>(i, mode, scale) multiplies by its bf16 scale before
// the exponential (TT-NN's SDPA folds 1/sqrt(d) in this way); a transpose asked for at
// mm_init gives A x B^T (issue 12 saw both ignored).
TEST(ComputeApi, ExpTileScaleAndTransposeAtMatmulInit) {
    auto in = ramp(1, 1.0f / 128);
    auto out = run(std::string(R"(#include "compute_kernel_api/eltwise_unary/exp.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    exp_tile_init();
    exp_tile<false, true, true>(0, VectorMode::RC, 0x4000);)") +
                       kUnaryTail,
                   in, {}, 1);
    for (uint32_t i = 0; i < 1024; i += 5)
        ASSERT_NEAR(out[i], std::exp(2.0 * in[i]), std::exp(2.0 * in[i]) * 1e-5) << in[i];

    auto a = ramp(1, 0.25f), b = ramp(1, 0.5f);
    auto mm = run(R"(#include "compute_kernel_api/matmul.h"
void kernel_main() {
    mm_init(0, 1, 16, 1);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    matmul_tiles(0, 1, 0, 0, 0, 1);
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
})",
                  a, b, 1);
    for (uint32_t i : {0u, 5u, 17u, 31u})
        for (uint32_t j : {0u, 9u, 16u, 30u}) {
            double ref = 0;  // (A B^T)[i][j] = sum_k A[i][k] B[j][k]
            for (uint32_t k = 0; k < 32; ++k) ref += double(a[at(i, k)]) * double(b[at(j, k)]);
            EXPECT_NEAR(mm[at(i, j)], ref, std::abs(ref) * 2e-2 + 0.5) << i << "," << j;
        }
}

}  // namespace
