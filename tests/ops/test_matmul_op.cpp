// The op layer's matmul: every program family and memory layout computes the right product
// (PCC against an fp64 product of the inputs as the device holds them), mixed formats, fp32
// accumulation, packer L1 accumulation on and off, shapes that need padding, batches; the
// chooser's picks for a few shapes; and timing numerics giving faithful's cycles.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

using namespace tensim::ops;
using tt::tt_metal::IDevice;

namespace {

// A [batch][m][k] x B [k][n] (or [batch][k][n]) in fp64.
std::vector<double> reference(const std::vector<float>& a, const std::vector<float>& b,
                              const Shape& sa, const Shape& sb) {
    std::vector<double> c(size_t(sa.batch) * sa.rows * sb.cols, 0.0);
    for (uint32_t bt = 0; bt < sa.batch; ++bt) {
        const float* A = &a[size_t(bt) * sa.rows * sa.cols];
        const float* B = &b[sb.batch > 1 ? size_t(bt) * sb.rows * sb.cols : 0];
        double* C = &c[size_t(bt) * sa.rows * sb.cols];
        for (uint32_t i = 0; i < sa.rows; ++i)
            for (uint32_t k = 0; k < sa.cols; ++k) {
                const double aik = A[size_t(i) * sa.cols + k];
                for (uint32_t j = 0; j < sb.cols; ++j)
                    C[size_t(i) * sb.cols + j] += aik * B[size_t(k) * sb.cols + j];
            }
    }
    return c;
}

double pcc(const std::vector<double>& x, const std::vector<float>& y) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < x.size(); ++i)
        sx += x[i], sy += y[i], sxx += x[i] * x[i], syy += double(y[i]) * y[i], sxy += x[i] * y[i];
    const double n = double(x.size());
    return (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
}

struct Case {
    Shape a, b;
    DType da = DType::bfloat16, db = DType::bfloat16;
    MemoryConfig ma, mb;
    MatmulConfig cfg;
};

struct Result {
    MatmulPlan plan;
    double pcc = 0;
    uint64_t cycles = 0;
};

class MatmulOp : public ::testing::Test {
protected:
    void open(const char* numerics) {
        tensim::set_numerics(numerics);
        dev = tt::tt_metal::CreateDevice(0);
    }
    void SetUp() override { open("faithful"); }
    void TearDown() override {
        if (dev) tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics("faithful");
    }

    // Plans, makes the operands where the plan wants them, runs and checks the result's shape.
    Result run(const Case& c, bool check = true) {
        Result r;
        const MatmulPlan want = plan_matmul(dev, {c.a, c.b, c.da, c.db, c.ma, c.mb, false}, c.cfg);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        std::vector<float> va(size_t(c.a.batch) * c.a.rows * c.a.cols),
            vb(size_t(c.b.batch) * c.b.rows * c.b.cols);
        for (float& v : va) v = dist(rng);
        for (float& v : vb) v = dist(rng);
        const Tensor a = Tensor::from_host(dev, va, c.a, c.da, want.a_mem);
        const Tensor b = Tensor::from_host(dev, vb, c.b, c.db, want.b_mem);
        const Tensor out = matmul(a, b, c.cfg, &r.plan);
        EXPECT_EQ(r.plan.describe(), want.describe());
        EXPECT_EQ(out.shape(), (Shape{c.a.batch, c.a.rows, c.b.cols}));
        r.cycles = tensim::last_program_stats(dev).device_cycles;
        if (check) r.pcc = pcc(reference(a.to_host(), b.to_host(), c.a, c.b), out.to_host());
        RecordProperty("pcc", std::to_string(r.pcc));
        return r;
    }
    IDevice* dev = nullptr;
};

MemoryConfig mem(const char* name) { return parse_memory_config(name); }

MatmulConfig program(MatmulProgram p) {
    MatmulConfig c;
    c.program = p;
    return c;
}

TEST_F(MatmulOp, TwoDMulticastDramInterleaved) {
    Case c{{1, 256, 256}, {1, 256, 320}};
    c.cfg = program(MatmulProgram::mcast_2d);
    Result r = run(c);
    EXPECT_EQ(r.plan.program, MatmulProgram::mcast_2d);
    EXPECT_GT(r.plan.cores_x, 1u);
    EXPECT_GT(r.plan.cores_y, 1u);
    EXPECT_GT(r.pcc, 0.9999);
}

TEST_F(MatmulOp, TwoDOutputBlocksAndPackerAccumulation) {
    // 2x2 tiles per core computed as 1x1 output blocks, K in 4 steps: partials accumulate in L1.
    Case c{{1, 256, 256}, {1, 256, 256}};
    c.cfg = program(MatmulProgram::mcast_2d);
    c.cfg.grid_x = 4, c.cfg.grid_y = 4, c.cfg.out_block_h = 1, c.cfg.out_block_w = 1,
    c.cfg.in0_block_w = 2;
    Result r = run(c);
    EXPECT_EQ(r.plan.per_core_M, 2u);
    EXPECT_EQ(r.plan.num_k_blocks(), 4u);
    EXPECT_TRUE(r.plan.packer_l1_acc);
    EXPECT_GT(r.pcc, 0.9999);
    c.cfg.packer_l1_acc = false;  // partials spilled and reloaded every step
    Result s = run(c);
    EXPECT_FALSE(s.plan.packer_l1_acc);
    EXPECT_GT(s.pcc, 0.9999);
}

TEST_F(MatmulOp, TwoDBlockShardedInputAndOutput) {
    Case c{{1, 256, 512}, {1, 512, 256}};
    c.ma = mem("l1_sharded");
    c.cfg.out_mem = mem("l1_sharded");
    c.cfg.grid_x = 4, c.cfg.grid_y = 4;
    c.cfg.in0_block_w = 2;  // narrower than the 4-tile shard: the sender gathers its rows
    Result r = run(c);
    EXPECT_EQ(r.plan.program, MatmulProgram::mcast_2d);
    EXPECT_EQ(r.plan.a_mem.layout, MemLayout::block_sharded);
    EXPECT_EQ(r.plan.out_mem.layout, MemLayout::block_sharded);
    EXPECT_GT(r.pcc, 0.9999);
    c.cfg.in0_block_w = 0;  // chosen: the whole shard width, multicast straight from the shard
    Result s = run(c);
    EXPECT_EQ(s.plan.in0_block_w, 4u);
    EXPECT_GT(s.pcc, 0.9999);
}

TEST_F(MatmulOp, L1Interleaved) {
    Case c{{1, 192, 256}, {1, 256, 256}};
    c.ma = mem("l1_interleaved"), c.mb = mem("l1_interleaved");
    c.cfg = program(MatmulProgram::mcast_2d);
    c.cfg.out_mem = mem("l1_interleaved");
    EXPECT_GT(run(c).pcc, 0.9999);
}

TEST_F(MatmulOp, OneDMulticastIn0) {
    Case c{{1, 64, 512}, {1, 512, 1024}};
    Result r = run(c);
    EXPECT_EQ(r.plan.program, MatmulProgram::mcast_1d);
    EXPECT_TRUE(r.plan.mcast_in0);
    EXPECT_GT(r.pcc, 0.9999);
}

TEST_F(MatmulOp, OneDMulticastIn0WidthSharded) {
    Case c{{1, 32, 512}, {1, 512, 512}};
    c.ma = mem("l1_width_sharded");
    c.cfg.out_mem = mem("l1_sharded");
    Result r = run(c);
    EXPECT_TRUE(r.plan.mcast_in0);
    EXPECT_EQ(r.plan.out_mem.layout, MemLayout::width_sharded);
    EXPECT_GT(r.pcc, 0.9999);
}

TEST_F(MatmulOp, OneDMulticastIn1) {
    Case c{{1, 1024, 256}, {1, 256, 64}};
    Result r = run(c);
    EXPECT_EQ(r.plan.program, MatmulProgram::mcast_1d);
    EXPECT_FALSE(r.plan.mcast_in0);
    EXPECT_GT(r.pcc, 0.9999);
}

TEST_F(MatmulOp, OneDMulticastIn1HeightSharded) {
    Case c{{1, 512, 256}, {1, 256, 96}};
    c.ma = mem("l1_height_sharded");
    c.cfg.out_mem = mem("l1_sharded");
    c.cfg.in0_block_w = 4;
    Result r = run(c);
    EXPECT_FALSE(r.plan.mcast_in0);
    EXPECT_EQ(r.plan.out_mem.layout, MemLayout::height_sharded);
    EXPECT_GT(r.pcc, 0.9999);
}

TEST_F(MatmulOp, DramShardedWeightsBf8) {
    // Decode-style: bf16 activations, bfloat8_b weights over the 12 DRAM banks, HiFi2.
    Case c{{1, 32, 512}, {1, 512, 768}, DType::bfloat16, DType::bfloat8_b};
    c.mb = mem("dram_sharded");
    c.cfg.math_fidelity = MathFidelity::HiFi2;
    Result r = run(c);
    EXPECT_EQ(r.plan.program, MatmulProgram::dram_sharded);
    EXPECT_EQ(r.plan.num_cores, 12u);
    EXPECT_GT(r.pcc, 0.999);
}

TEST_F(MatmulOp, DramShardedWithShardedActivationsAndOutput) {
    Case c{{1, 32, 1024}, {1, 1024, 384}, DType::bfloat16, DType::bfloat4_b};
    c.ma = mem("l1_sharded"), c.mb = mem("dram_sharded");
    c.cfg.math_fidelity = MathFidelity::LoFi;
    c.cfg.out_mem = mem("l1_sharded");
    Result r = run(c);
    EXPECT_EQ(r.plan.a_mem.layout, MemLayout::width_sharded);
    EXPECT_EQ(r.plan.out_mem.layout, MemLayout::width_sharded);
    EXPECT_GT(r.pcc, 0.99);
}

// 107 tiles of N over 12 banks: 9 per worker (the last gets 8). A 1x3 subblock would need three;
// TT-NN's factory widens it to 1x5 over a compute width of 10 and narrows the last subblock's
// matmul to the 4 real columns. Both output layouts must still hold exactly the real columns.
TEST_F(MatmulOp, DramShardedPadsTheComputeWidth) {
    for (const char* out : {"l1_sharded", "dram_interleaved"}) {
        Case c{{1, 32, 256}, {1, 256, 3400}, DType::bfloat16, DType::bfloat8_b};
        c.ma = mem("l1_sharded"), c.mb = mem("dram_sharded");
        c.cfg.math_fidelity = MathFidelity::HiFi2;
        c.cfg.out_mem = mem(out);
        Result r = run(c);
        EXPECT_EQ(r.plan.per_core_N, 9u);
        EXPECT_EQ(r.plan.out_subblock_h, 1u);
        EXPECT_EQ(r.plan.out_subblock_w, 5u);
        EXPECT_EQ(r.plan.out_block_w, 10u);
        EXPECT_GT(r.pcc, 0.999) << out;
    }
}

// The padded 1x6 subblocks make an 11-tile share cheaper to compute than 1x1 subblocks (2 instead
// of 11 unpacker calls per K tile); with 8-tile K steps the op is compute-bound at 1x1, so padding
// must make it faster.
TEST_F(MatmulOp, DramShardedPaddedSubblocksAreFaster) {
    TearDown();
    open("timing");
    Case c{{1, 32, 4096}, {1, 4096, 4224}, DType::bfloat16, DType::bfloat8_b};
    c.mb = mem("dram_sharded");
    c.cfg.math_fidelity = MathFidelity::HiFi2;
    c.cfg.out_mem = mem("l1_sharded");
    const Result padded = run(c, false);
    EXPECT_EQ(padded.plan.in0_block_w, 8u);
    EXPECT_EQ(padded.plan.out_subblock_w, 6u);
    EXPECT_EQ(padded.plan.out_block_w, 12u);
    c.cfg.out_subblock_w = 1;  // a given subblock is kept: 1x1 over the 11 real columns
    const Result narrow = run(c, false);
    EXPECT_EQ(narrow.plan.out_block_w, 11u);
    EXPECT_LT(padded.cycles, narrow.cycles);
}

TEST_F(MatmulOp, MixedFormatsAndBfp8Output) {
    Case c{{1, 128, 256}, {1, 256, 256}, DType::bfloat16, DType::bfloat8_b};
    c.cfg.math_fidelity = MathFidelity::HiFi2;
    c.cfg.out_dtype = DType::bfloat8_b;
    c.cfg.in0_block_w = 2;  // 4 K blocks: packer L1 accumulation in a bf16 partials CB of its own
    Result r = run(c);
    EXPECT_TRUE(r.plan.packer_l1_acc);
    EXPECT_EQ(r.plan.interm_dtype, DType::bfloat16);
    EXPECT_GT(r.pcc, 0.999);
}

TEST_F(MatmulOp, Fp32Accumulation) {
    Case c{{1, 128, 1024}, {1, 1024, 256}};
    c.cfg = program(MatmulProgram::mcast_2d);
    c.cfg.fp32_dest_acc = true;
    c.cfg.out_dtype = DType::float32;
    Result r = run(c);
    EXPECT_LE(r.plan.out_subblock_h * r.plan.out_subblock_w, 4u);
    EXPECT_EQ(r.plan.interm_dtype, DType::float32);
    EXPECT_GT(r.pcc, 0.99999);
}

TEST_F(MatmulOp, OddShapesArePadded) {
    Case c{{1, 100, 200}, {1, 200, 300}};
    Result r = run(c);
    EXPECT_EQ(r.plan.Mt, 4u);
    EXPECT_EQ(r.plan.Kt, 7u);
    EXPECT_EQ(r.plan.Nt, 10u);
    EXPECT_GT(r.pcc, 0.9999);
    // The same on the 2D program, with per-core blocks that overhang the last tile row and column.
    c.cfg = program(MatmulProgram::mcast_2d);
    c.cfg.per_core_M = 3, c.cfg.per_core_N = 4;
    EXPECT_GT(run(c).pcc, 0.9999);
}

TEST_F(MatmulOp, Batches) {
    Case shared{{3, 64, 128}, {1, 128, 96}};  // in1 shared: folded into M
    Result r = run(shared);
    EXPECT_EQ(r.plan.Mt, 6u);
    EXPECT_GT(r.pcc, 0.9999);
    Case batched{{2, 64, 128}, {2, 128, 96}};  // in1 per batch: the kernels loop over batches
    batched.cfg = program(MatmulProgram::mcast_2d);
    Result s = run(batched);
    EXPECT_EQ(s.plan.batch, 2u);
    EXPECT_GT(s.pcc, 0.9999);
}

TEST_F(MatmulOp, TimingNumericsGiveFaithfulCycles) {
    Case c{{1, 256, 512}, {1, 512, 256}, DType::bfloat16, DType::bfloat8_b};
    const uint64_t faithful = run(c).cycles;
    TearDown();
    open("timing");
    EXPECT_EQ(run(c, false).cycles, faithful);
}

// ---- the chooser (plans only; nothing runs) ---------------------------------------------------

MatmulPlan plan(IDevice* d, Shape a, Shape b, MatmulConfig cfg = {}, MemoryConfig ma = {},
                MemoryConfig mb = {}, DType db = DType::bfloat16) {
    return plan_matmul(d, {a, b, DType::bfloat16, db, ma, mb, false}, cfg);
}

TEST_F(MatmulOp, ChooserSquare) {
    // 32x32 output tiles on 8x8: 4x4 per core, K step Kt/8 = 4, the widest 8-tile subblock.
    MatmulPlan p = plan(dev, {1, 1024, 1024}, {1, 1024, 1024});
    EXPECT_EQ(p.program, MatmulProgram::mcast_2d);
    EXPECT_EQ(p.cores_x * p.cores_y, 64u);
    EXPECT_EQ(p.per_core_M, 4u);
    EXPECT_EQ(p.per_core_N, 4u);
    EXPECT_EQ(p.in0_block_w, 4u);
    EXPECT_EQ(p.out_subblock_h * p.out_subblock_w, 8u);
    EXPECT_EQ(p.out_subblock_w, 4u);  // wide: 2x4 rather than 4x2
}

TEST_F(MatmulOp, ChooserLargeSplitsTheOutputBlock) {
    // 32x32 tiles per core cannot sit in L1 with their inputs: the core works in output blocks.
    MatmulPlan p = plan(dev, {1, 8192, 8192}, {1, 8192, 8192});
    EXPECT_EQ(p.per_core_M, 32u);
    EXPECT_LT(p.out_block_h * p.out_block_w, 32u * 32u);
    EXPECT_GE(p.in0_block_w, 4u);
    EXPECT_LE(p.l1_bytes_per_core, p.l1_budget);
}

TEST_F(MatmulOp, ChooserDecodeAndTall) {
    MatmulPlan wide = plan(dev, {1, 32, 4096}, {1, 4096, 4096});
    EXPECT_EQ(wide.program, MatmulProgram::mcast_1d);
    EXPECT_TRUE(wide.mcast_in0);
    EXPECT_EQ(wide.per_core_M, 1u);
    EXPECT_EQ(wide.per_core_N, 2u);  // 128 tiles over 64 cores
    MatmulPlan tall = plan(dev, {1, 8192, 256}, {1, 256, 64});
    EXPECT_EQ(tall.program, MatmulProgram::mcast_1d);
    EXPECT_FALSE(tall.mcast_in0);
    EXPECT_EQ(tall.per_core_M, 4u);  // 256 tiles over 64 cores
    MatmulPlan dram =
        plan(dev, {1, 32, 4096}, {1, 4096, 6144}, {}, {}, mem("dram_sharded"), DType::bfloat8_b);
    EXPECT_EQ(dram.program, MatmulProgram::dram_sharded);
    EXPECT_EQ(dram.per_core_N, 16u);  // 192 tiles over 12 banks
}

TEST_F(MatmulOp, ChooserRespectsDstAndShardedOutput) {
    MatmulConfig fp32;
    fp32.fp32_dest_acc = true;
    MatmulPlan p = plan(dev, {1, 1024, 1024}, {1, 1024, 1024}, fp32);
    EXPECT_EQ(p.out_subblock_h * p.out_subblock_w, 4u);
    MatmulConfig sharded;
    sharded.out_mem = mem("l1_sharded");
    MatmulPlan q = plan(dev, {1, 2048, 1024}, {1, 1024, 3072}, sharded, mem("l1_sharded"));
    EXPECT_EQ(q.per_core_M, 8u);
    EXPECT_EQ(q.per_core_N, 12u);
    EXPECT_TRUE(q.out_subblock_h == 1 || q.out_subblock_w == q.per_core_N);
}

TEST_F(MatmulOp, DramShardedReadersSitRightOfTheirBanks) {
    // TT-Metal's placement: the reader of a bank is the core right of the bank's NoC0 endpoint
    // (Wormhole's DRAM columns are x = 0 and 5, so readers at x = 1 and 6), except the banks
    // whose endpoint row is outside the 8x8 compute grid (rows 10, 11), which move.
    MatmulConfig c;
    c.out_mem = mem("l1_sharded");
    MatmulPlan p = plan(dev, {1, 32, 4096}, {1, 4096, 6144}, c, mem("l1_sharded"),
                        mem("dram_sharded"), DType::bfloat8_b);
    ASSERT_TRUE(p.out_mem.shard_grid.has_value());
    const auto workers = corerange_to_cores(*p.out_mem.shard_grid, std::nullopt, true);
    ASSERT_EQ(workers.size(), 12u);
    uint32_t next_to_dram = 0;
    for (const auto& w : workers) {
        const auto n = dev->worker_core_from_logical_core(w);
        next_to_dram += n.x == 1 || n.x == 6;
    }
    EXPECT_GE(next_to_dram, 10u);
}

TEST(MatmulPlanner, SmallGridAndL1FallBackTo2D) {
    // 2x2 cores with 512 KiB of L1: the 1D program's 1x112-tile share does not fit, the 2D
    // program's output blocks do; the plan says why.
    tensim::set_system("n150", {"worker_grid=2x2", "tensix.l1_size_kib=512"});
    tensim::set_numerics("timing");
    IDevice* dev = tt::tt_metal::CreateDevice(0);
    const Tensor a =
        Tensor::allocate(dev, {1, 32, 64}, DType::bfloat16, MemoryConfig::dram_interleaved());
    const Tensor b =
        Tensor::allocate(dev, {1, 64, 14336}, DType::bfloat16, MemoryConfig::dram_interleaved());
    MatmulPlan p;
    const Tensor out = matmul(a, b, {}, &p);
    EXPECT_EQ(p.program, MatmulProgram::mcast_2d);
    EXPECT_NE(p.why.find("2d_mcast instead"), std::string::npos) << p.why;
    EXPECT_GT(tensim::last_program_stats(dev).device_cycles, 0u);
    tt::tt_metal::CloseDevice(dev);
    tensim::set_numerics("faithful");
    tensim::set_system("n150");
}

TEST_F(MatmulOp, ImpossibleConfigsAreErrors) {
    EXPECT_THROW(plan(dev, {1, 64, 128}, {1, 96, 64}), std::invalid_argument);  // K differs
    MatmulConfig big;
    big.out_subblock_h = 4, big.out_subblock_w = 4;  // 16 tiles > Dst
    EXPECT_THROW(plan(dev, {1, 1024, 1024}, {1, 1024, 1024}, big), std::invalid_argument);
    EXPECT_THROW(plan(dev, {1, 32, 512}, {1, 512, 512}, program(MatmulProgram::dram_sharded)),
                 std::invalid_argument);
}

}  // namespace

// The BLAS-backed host reference agrees with the definition of the product, on shapes that are
// neither square nor tile multiples, and refuses vectors shorter than their shape.
TEST(MatmulReference, MatchesTheDefinition) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    for (auto [m, k, n] : {std::array<uint32_t, 3>{3, 5, 7}, {64, 33, 48}}) {
        std::vector<float> a(size_t(m) * k), b(size_t(k) * n);
        for (float& v : a) v = dist(rng);
        for (float& v : b) v = dist(rng);
        const std::vector<double> got = matmul_reference(a, b, m, k, n);
        ASSERT_EQ(got.size(), size_t(m) * n);
        for (uint32_t i = 0; i < m; ++i)
            for (uint32_t j = 0; j < n; ++j) {
                double want = 0;
                for (uint32_t x = 0; x < k; ++x) want += double(a[i * k + x]) * b[x * n + j];
                EXPECT_NEAR(got[i * n + j], want, 1e-12 * k) << m << "x" << k << "x" << n;
            }
    }
    EXPECT_THROW(matmul_reference(std::vector<float>(5), std::vector<float>(6), 2, 3, 2),
                 std::invalid_argument);
}

// matmul_pcc (row panels of 256, no fp64 product held) gives the PCC of the whole fp64 product:
// on more rows than one panel, against a result with noise, an exact result and a constant one.
TEST(MatmulReference, PccInPanelsMatchesTheWholeProduct) {
    const uint32_t m = 300, k = 40, n = 24;  // 300 rows: a full panel and a partial one
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> a(size_t(m) * k), b(size_t(k) * n);
    for (float& v : a) v = dist(rng);
    for (float& v : b) v = dist(rng);
    const std::vector<double> ref = matmul_reference(a, b, m, k, n);
    std::vector<float> noisy(ref.size()), exact(ref.size());
    for (size_t i = 0; i < ref.size(); ++i) {
        exact[i] = float(ref[i]);
        noisy[i] = float(ref[i] + 0.5 * dist(rng));
    }
    // The definition, in two passes over the whole product.
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < ref.size(); ++i) mx += ref[i], my += noisy[i];
    mx /= double(ref.size()), my /= double(ref.size());
    for (size_t i = 0; i < ref.size(); ++i) {
        const double x = ref[i] - mx, y = noisy[i] - my;
        sxx += x * x, syy += y * y, sxy += x * y;
    }
    EXPECT_NEAR(matmul_pcc(a, b, noisy, m, k, n), sxy / std::sqrt(sxx * syy), 1e-9);
    EXPECT_NEAR(matmul_pcc(a, b, exact, m, k, n), 1.0, 1e-9);
    EXPECT_LT(matmul_pcc(a, b, noisy, m, k, n), matmul_pcc(a, b, exact, m, k, n));
    // All-zero operands and result: two equal constants.
    EXPECT_EQ(
        matmul_pcc(std::vector<float>(size_t(m) * k), b, std::vector<float>(ref.size()), m, k, n),
        1.0);
    EXPECT_THROW(matmul_pcc(a, b, std::vector<float>(5), m, k, n), std::invalid_argument);
    // A product computed beforehand (on one BLAS thread, as `tensim matmul --numerics fast` does
    // beside the simulation) gives the very same values and PCC.
    const std::vector<double> one = matmul_reference(a, b, m, k, n, true);
    EXPECT_EQ(one, ref);
    EXPECT_EQ(matmul_pcc(one, noisy), matmul_pcc(a, b, noisy, m, k, n));
    EXPECT_THROW(matmul_pcc(one, std::vector<float>(5)), std::invalid_argument);
}

// The fp64 reference on one BLAS thread equals the threaded one: OpenBLAS splits C's rows and
// columns among its threads, never K, so each value's sum runs in one order. 512^3 is large
// enough for OpenBLAS to use every thread it has (the small shape above is computed on one).
TEST(MatmulReference, OneThreadEqualsAllThreadsOnALargeProduct) {
    const uint32_t m = 512, k = 512, n = 512;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> a(size_t(m) * k), b(size_t(k) * n);
    for (float& v : a) v = dist(rng);
    for (float& v : b) v = dist(rng);
    EXPECT_EQ(matmul_reference(a, b, m, k, n, true), matmul_reference(a, b, m, k, n));
}
