// The matmul planner on grids and L1 sizes an architect sets: on a 10x10 grid the 2D program's
// share is costed (a share that leaves padding and a 7x1 subblock gives way to a cheaper one),
// more cores are not slower than n150's 8x8 on the same shape, and a 2x2 grid with 256 KiB of
// L1 falls back from the 1D program to the 2D one and computes the right product.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "chip/arch_loader.hpp"
#include "ops/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

using namespace tensim::ops;
using tt::tt_metal::IDevice;
using json = nlohmann::json;

namespace {

// wormhole_b0.json with two more Tensix columns (x = 10, 11): a one-chip board of 10x10 workers.
std::string write_10x10_chip() {
    std::ifstream in(tensim::arch_dir() + "/wormhole_b0.json");
    json j = json::parse(in);
    j["name"] = "wormhole_10x10";
    j["grid"]["size"]["value"] = {12, 12};
    j["grid"]["tensix_cols"]["value"] = {1, 2, 3, 4, 6, 7, 8, 9, 10, 11};
    const std::string file = ::testing::TempDir() + "/wormhole_10x10.json";
    std::ofstream(file) << j.dump(1);
    return file;
}

struct Timed {
    MatmulPlan plan;
    uint64_t cycles = 0;
};

// One timing-numerics matmul on the current system.
Timed run_timing(Shape a, Shape b, const MatmulConfig& cfg) {
    tensim::set_numerics("timing");
    IDevice* dev = tt::tt_metal::CreateDevice(0);
    const auto ta = Tensor::allocate(dev, a, DType::bfloat16, MemoryConfig::dram_interleaved());
    const auto tb = Tensor::allocate(dev, b, DType::bfloat16, MemoryConfig::dram_interleaved());
    Timed r;
    matmul(ta, tb, cfg, &r.plan);
    r.cycles = tensim::last_program_stats(dev).device_cycles;
    tt::tt_metal::CloseDevice(dev);
    tensim::set_numerics("faithful");
    return r;
}

TEST(MatmulPlanner, TenByTenGridCostsItsShare) {
    // The 2048x4096x4096 class (64x128 output tiles) with half the K (still compute-bound; a K of
    // a few tiles would be bound by the 16 MB output's DRAM writes): on 10x10 cores the default
    // share is ceil(64/10) x ceil(128/10) = 7x13 tiles, whose only 8-tile-or-less subblock is 7x1;
    // at LoFi the unpackers, not the FPU, bound a 7x1 subblock.
    const Shape a{1, 2048, 2048}, b{1, 2048, 4096};
    MatmulConfig cfg;
    cfg.math_fidelity = MathFidelity::LoFi;
    tensim::set_system(write_10x10_chip());
    const Timed chosen = run_timing(a, b, cfg);
    MatmulConfig forced = cfg;
    forced.per_core_M = 7, forced.per_core_N = 13;
    const Timed even = run_timing(a, b, forced);
    tensim::set_system("n150");
    const Timed n150 = run_timing(a, b, cfg);

    EXPECT_EQ(even.plan.out_subblock_h * even.plan.out_subblock_w, 7u);
    EXPECT_FALSE(chosen.plan.per_core_M == 7 && chosen.plan.per_core_N == 13) << chosen.plan.why;
    EXPECT_NE(chosen.plan.why.find("instead of 7x13"), std::string::npos) << chosen.plan.why;
    EXPECT_EQ(chosen.plan.out_subblock_h * chosen.plan.out_subblock_w, 8u);
    EXPECT_LT(chosen.cycles, even.cycles) << chosen.plan.describe();
    // More cores are not slower: 10x10 against n150's 8x8 (8x16-tile shares, 1x8 subblocks).
    EXPECT_EQ(n150.plan.cores_x * n150.plan.cores_y, 64u);
    EXPECT_LE(chosen.cycles, n150.cycles)
        << chosen.plan.describe() << " vs " << n150.plan.describe();
}

TEST(MatmulPlanner, EvenSharesAreKept) {
    // A share that divides the output (the tuned TT-NN configs on n150) is not re-costed.
    tensim::set_system("n150");
    tensim::set_numerics("timing");
    IDevice* dev = tt::tt_metal::CreateDevice(0);
    const MatmulPlan p = plan_matmul(
        dev, {{1, 8192, 8192}, {1, 8192, 8192}, DType::bfloat16, DType::bfloat16, {}, {}, false},
        {});
    EXPECT_EQ(p.per_core_M, 32u);
    EXPECT_EQ(p.per_core_N, 32u);
    EXPECT_EQ(p.why.find("instead of"), std::string::npos) << p.why;
    tt::tt_metal::CloseDevice(dev);
    tensim::set_numerics("faithful");
}

TEST(MatmulPlanner, SmallL1FallbackComputesTheProduct) {
    // 2x2 cores with 256 KiB of L1 (161 KiB for CBs): the 1D program's 1x28-tile share with its
    // double-buffered in1 does not fit even at a one-tile K step; the 2D program's output blocks
    // do. Faithful numerics: the product is checked against an fp64 one.
    tensim::set_system("n150", {"worker_grid=2x2", "tensix.l1_size_kib=256"});
    tensim::set_numerics("faithful");
    IDevice* dev = tt::tt_metal::CreateDevice(0);
    const uint32_t M = 32, K = 64, N = 3584;
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> va(M * K), vb(K * N);
    for (float& v : va) v = dist(rng);
    for (float& v : vb) v = dist(rng);
    const Tensor a = Tensor::from_host(dev, va, {1, M, K}, DType::bfloat16);
    const Tensor b = Tensor::from_host(dev, vb, {1, K, N}, DType::bfloat16);
    MatmulPlan p;
    const Tensor out = matmul(a, b, {}, &p);
    EXPECT_EQ(p.program, MatmulProgram::mcast_2d);
    EXPECT_NE(p.why.find("2d_mcast instead"), std::string::npos) << p.why;
    const std::vector<float> ha = a.to_host(), hb = b.to_host();
    EXPECT_GT(reference::pcc(matmul_reference(ha, hb, M, K, N), out.to_host()), 0.999);
    tt::tt_metal::CloseDevice(dev);
    tensim::set_system("n150");
}

}  // namespace
