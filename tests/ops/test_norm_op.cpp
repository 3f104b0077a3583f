// The norm ops: RMSNorm and LayerNorm in the sharded (decode) and interleaved (prefill) programs,
// with and without gamma/beta, an output resharded onto another grid, the distributed
// pre/post-all-gather halves; PCC against the fp64 reference (src/ops/reference.*) in faithful
// and fast numerics, timing numerics giving faithful's cycles; the planner on a small grid and L1;
// typed errors for impossible inputs.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ops/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/norm.hpp"

using namespace tensim::ops;
using tt::tt_metal::IDevice;
namespace ref = tensim::ops::reference;

namespace {

std::vector<float> random(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

MemoryConfig width_sharded(uint32_t gx, uint32_t gy, uint32_t rows_t, uint32_t cols_t) {
    return MemoryConfig::l1_sharded(MemLayout::width_sharded,
                                    CoreRangeSet(CoreRange({0, 0}, {gx - 1, gy - 1})),
                                    {rows_t, cols_t});
}

struct Outcome {
    double pcc = 0;
    uint64_t cycles = 0;
    NormPlan plan;
};

class NormOp : public ::testing::Test {
protected:
    void open(const char* numerics) {
        if (dev) tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics(numerics);
        dev = tt::tt_metal::CreateDevice(0);
    }
    void SetUp() override { open("faithful"); }
    void TearDown() override {
        if (dev) tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics("faithful");
        tensim::set_system("n150");
    }

    // Runs rms_norm or layer_norm on random x (and gamma/beta) and compares with the reference.
    Outcome run(bool rms, Shape s, const MemoryConfig& mem, bool gamma, bool beta,
                NormConfig cfg = {}) {
        const auto vx = random(size_t(s.batch) * s.rows * s.cols, 1);
        const auto vg = gamma ? random(s.cols, 2, 0.5f, 1.5f) : std::vector<float>{};
        const auto vb = beta ? random(s.cols, 3) : std::vector<float>{};
        const Tensor x = Tensor::from_host(dev, vx, s, DType::bfloat16, mem);
        std::optional<Tensor> g, b;
        if (gamma) g = Tensor::from_host(dev, vg, {1, 1, s.cols}, DType::bfloat16);
        if (beta) b = Tensor::from_host(dev, vb, {1, 1, s.cols}, DType::bfloat16);
        Outcome r;
        const Tensor y = rms ? rms_norm(x, g, b, cfg, &r.plan) : layer_norm(x, g, b, cfg, &r.plan);
        r.cycles = tensim::last_program_stats(dev).device_cycles;
        EXPECT_EQ(tensim::last_program_stats(dev).name, rms ? "rms_norm" : "layer_norm");
        EXPECT_EQ(y.shape(), s);
        if (tensim::numerics_mode_name() != "timing") {
            // The reference sees the inputs as the device holds them (bf16).
            const auto hx = x.to_host();
            const auto hg = g ? g->to_host() : std::vector<float>{};
            const auto hb = b ? b->to_host() : std::vector<float>{};
            const auto want = rms ? ref::rms_norm(hx, s.cols, hg, hb, cfg.epsilon)
                                  : ref::layer_norm(hx, s.cols, hg, hb, cfg.epsilon);
            r.pcc = ref::pcc(want, y.to_host());
            RecordProperty("pcc", std::to_string(r.pcc));
        }
        return r;
    }

    // The same run in all three numerics: PCC in faithful and fast, equal cycles in all.
    void all_modes(bool rms, Shape s, const MemoryConfig& mem, bool gamma, bool beta,
                   NormConfig cfg = {}) {
        const Outcome f = run(rms, s, mem, gamma, beta, cfg);
        EXPECT_GT(f.pcc, 0.99);
        open("fast");
        const Outcome q = run(rms, s, mem, gamma, beta, cfg);
        EXPECT_GT(q.pcc, 0.99);
        EXPECT_EQ(q.cycles, f.cycles);
        open("timing");
        EXPECT_EQ(run(rms, s, mem, gamma, beta, cfg).cycles, f.cycles);
    }
    IDevice* dev = nullptr;
};

TEST_F(NormOp, RmsNormShardedDecodeForm) {
    // [32, 512] width-sharded on 4x2 cores, 2 tiles each: one tile row, one combining worker.
    all_modes(true, {1, 32, 512}, width_sharded(4, 2, 1, 2), true, false);
    open("faithful");
    const Outcome r = run(true, {1, 32, 512}, width_sharded(4, 2, 1, 2), true, false);
    EXPECT_EQ(r.plan.program, NormProgram::sharded);
    EXPECT_EQ(r.plan.num_cores, 8u);
    EXPECT_EQ(r.plan.num_workers, 1u);
}

TEST_F(NormOp, LayerNormShardedTwoRowsTwoWorkers) {
    // Two tile rows: two workers combine one row each; mean and variance are two rounds.
    const Outcome r = run(false, {1, 64, 256}, width_sharded(4, 1, 2, 2), true, true);
    EXPECT_EQ(r.plan.num_workers, 2u);
    EXPECT_GT(r.pcc, 0.99);
    all_modes(false, {1, 64, 256}, width_sharded(4, 1, 2, 2), false, false);
}

TEST_F(NormOp, RmsNormShardedOutputOnAnotherGrid) {
    // The FFN norm: 4 cores of 2 tiles in, 8 cores of 1 tile out (the MLP grid).
    NormConfig cfg;
    cfg.out_mem = width_sharded(4, 2, 1, 1);
    const Outcome r = run(true, {1, 32, 256}, width_sharded(4, 1, 1, 2), true, false, cfg);
    EXPECT_TRUE(r.plan.reshard_out);
    EXPECT_GT(r.pcc, 0.99);
}

TEST_F(NormOp, InterleavedPrefillForm) {
    all_modes(true, {1, 128, 256}, MemoryConfig::dram_interleaved(), true, false);
    open("faithful");
    const Outcome r = run(false, {2, 64, 512}, MemoryConfig::dram_interleaved(), true, true);
    EXPECT_EQ(r.plan.program, NormProgram::interleaved);
    EXPECT_EQ(r.plan.num_cores, 4u);  // 4 tile rows (batches folded), one per core
    EXPECT_TRUE(r.plan.row_in_l1);
    EXPECT_GT(r.pcc, 0.99);
}

TEST_F(NormOp, PlannerOnSmallGridAndL1RereadsRows) {
    // 2x2 grid, 224 KiB L1: a 2048-wide bf16 row (128 KiB) and the CBs do not fit, so each row is
    // streamed once per pass; all four cores take rows.
    tt::tt_metal::CloseDevice(dev);
    dev = nullptr;
    tensim::set_system("n150", {"tensix.l1_size_kib=224", "worker_grid=2x2"});
    open("faithful");
    const Outcome r = run(false, {1, 256, 2048}, MemoryConfig::dram_interleaved(), true, true);
    EXPECT_EQ(r.plan.num_cores, 4u);
    EXPECT_EQ(r.plan.rows_per_core, 2u);
    EXPECT_FALSE(r.plan.row_in_l1);
    EXPECT_NE(r.plan.why.find("re-read"), std::string::npos);
    EXPECT_GT(r.pcc, 0.99);
}

TEST_F(NormOp, DistributedPrePostAllGather) {
    // Two "devices" hold columns [0, 256) and [256, 512) of each row; part 1 on each, their
    // statistics side by side (what the all-gather leaves), part 2 on the first half.
    const uint32_t rows = 64, half = 256;
    const auto vx = random(size_t(rows) * 2 * half, 5);
    std::vector<float> x0, x1;
    for (uint32_t r = 0; r < rows; ++r) {
        x0.insert(x0.end(), vx.begin() + r * 2 * half, vx.begin() + r * 2 * half + half);
        x1.insert(x1.end(), vx.begin() + r * 2 * half + half, vx.begin() + (r + 1) * 2 * half);
    }
    const Tensor t0 = Tensor::from_host(dev, x0, {1, rows, half}, DType::bfloat16);
    const Tensor t1 = Tensor::from_host(dev, x1, {1, rows, half}, DType::bfloat16);
    const auto s0 = rms_norm_pre_all_gather(t0).to_host();
    EXPECT_EQ(tensim::last_program_stats(dev).name, "rms_norm_pre_all_gather");
    const auto s1 = rms_norm_pre_all_gather(t1).to_host();
    std::vector<float> gathered;
    std::vector<double> want_s0 = ref::sum_of_squares(t0.to_host(), half);
    std::vector<float> got_s0;
    for (uint32_t r = 0; r < rows; ++r) {
        gathered.insert(gathered.end(), s0.begin() + r * 32, s0.begin() + (r + 1) * 32);
        gathered.insert(gathered.end(), s1.begin() + r * 32, s1.begin() + (r + 1) * 32);
        got_s0.push_back(s0[r * 32]);
    }
    EXPECT_GT(ref::pcc(want_s0, got_s0), 0.99);
    const Tensor stats = Tensor::from_host(dev, gathered, {1, rows, 64}, DType::bfloat16);
    const auto vg = random(half, 9, 0.5f, 1.5f);
    const Tensor g = Tensor::from_host(dev, vg, {1, 1, half}, DType::bfloat16);
    const auto y = rms_norm_post_all_gather(t0, stats, 2 * half, g).to_host();
    // Reference: the full row's RMS, applied to the first half.
    std::vector<float> full;
    const auto h0 = t0.to_host(), h1 = t1.to_host(), hg = g.to_host();
    for (uint32_t r = 0; r < rows; ++r) {
        full.insert(full.end(), h0.begin() + r * half, h0.begin() + (r + 1) * half);
        full.insert(full.end(), h1.begin() + r * half, h1.begin() + (r + 1) * half);
    }
    std::vector<float> g2 = hg;
    g2.insert(g2.end(), hg.begin(), hg.end());
    const auto want_full = ref::rms_norm(full, 2 * half, g2, {}, 1e-5);
    std::vector<double> want;
    for (uint32_t r = 0; r < rows; ++r)
        want.insert(want.end(), want_full.begin() + r * 2 * half,
                    want_full.begin() + r * 2 * half + half);
    EXPECT_GT(ref::pcc(want, y), 0.99);
}

TEST_F(NormOp, ImpossibleInputsAreTypedErrors) {
    const Tensor x =
        Tensor::allocate(dev, {1, 32, 256}, DType::bfloat16, MemoryConfig::dram_interleaved());
    const Tensor bad_gamma =
        Tensor::allocate(dev, {1, 1, 128}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(rms_norm(x, bad_gamma), std::invalid_argument);
    NormConfig c;
    c.program = NormProgram::sharded;  // the input is interleaved
    EXPECT_THROW(rms_norm(x, std::nullopt, std::nullopt, c), std::invalid_argument);
    const Tensor narrow =
        Tensor::allocate(dev, {1, 32, 100}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(layer_norm(narrow), std::invalid_argument);
    // A height-sharded input has no whole rows per shard in the sense the program needs.
    const Tensor h =
        Tensor::allocate(dev, {1, 64, 256}, DType::bfloat16,
                         MemoryConfig::l1_sharded(MemLayout::height_sharded,
                                                  CoreRangeSet(CoreRange({0, 0}, {1, 0})), {1, 8}));
    EXPECT_THROW(rms_norm(h), std::invalid_argument);
}

}  // namespace
