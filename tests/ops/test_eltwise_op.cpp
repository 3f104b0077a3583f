// Eltwise binary ops with a fused activation on A: sharded (in place too) and interleaved, output
// dtype bfloat8_b; PCC against the fp64 reference in faithful and fast numerics, the same cycles
// in timing; the planner on a small grid; typed errors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ops/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/eltwise.hpp"

using namespace tensim::ops;
namespace ref = tensim::ops::reference;

namespace {

std::vector<float> random(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-2.0f, 2.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

MemoryConfig width_sharded(uint32_t gx, uint32_t gy, uint32_t rows_t, uint32_t cols_t) {
    return MemoryConfig::l1_sharded(MemLayout::width_sharded,
                                    CoreRangeSet(CoreRange({0, 0}, {gx - 1, gy - 1})),
                                    {rows_t, cols_t});
}

class EltwiseOp : public ::testing::Test {
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
    }
    struct Outcome {
        double pcc = 0;
        uint64_t cycles = 0;
        BinaryPlan plan;
    };
    Outcome run(BinaryOp op, Shape s, const MemoryConfig& mem, const BinaryConfig& cfg) {
        const size_t n = size_t(s.batch) * s.rows * s.cols;
        const Tensor a = Tensor::from_host(dev, random(n, 1), s, DType::bfloat16, mem);
        const Tensor b = Tensor::from_host(dev, random(n, 2), s, DType::bfloat16, mem);
        const auto ha = a.to_host(), hb = b.to_host();
        Outcome r;
        const Tensor c = binary(a, b, op, cfg, &r.plan);
        r.cycles = tensim::last_program_stats(dev).device_cycles;
        EXPECT_EQ(c.shape(), s);
        if (tensim::numerics_mode_name() != "timing") {
            r.pcc = ref::pcc(ref::binary(ha, hb, binary_op_name(op), cfg.input_a_activation),
                             c.to_host());
            RecordProperty("pcc", std::to_string(r.pcc));
        }
        return r;
    }
    void all_modes(BinaryOp op, Shape s, const MemoryConfig& mem, const BinaryConfig& cfg) {
        const Outcome f = run(op, s, mem, cfg);
        EXPECT_GT(f.pcc, 0.99);
        open("fast");
        const Outcome q = run(op, s, mem, cfg);
        EXPECT_GT(q.pcc, 0.99);
        EXPECT_EQ(q.cycles, f.cycles);
        open("timing");
        EXPECT_EQ(run(op, s, mem, cfg).cycles, f.cycles);
    }
    tt::tt_metal::IDevice* dev = nullptr;
};

TEST_F(EltwiseOp, SiluTimesMulShardedToBfloat8) {
    BinaryConfig cfg;
    cfg.input_a_activation = "silu";
    cfg.out_dtype = DType::bfloat8_b;
    all_modes(BinaryOp::mul, {1, 32, 1024}, width_sharded(4, 2, 1, 4), cfg);
    const Outcome r = run(BinaryOp::mul, {1, 32, 1024}, width_sharded(4, 2, 1, 4), cfg);
    EXPECT_TRUE(r.plan.sharded);
    EXPECT_EQ(r.plan.block, 4u);
    EXPECT_EQ(tensim::last_program_stats(dev).name, "binary_mult_silu");
}

TEST_F(EltwiseOp, ResidualAddShardedInPlace) {
    const Shape s{1, 32, 512};
    const MemoryConfig mem = width_sharded(4, 1, 1, 4);
    const Tensor a = Tensor::from_host(dev, random(32 * 512, 3), s, DType::bfloat16, mem);
    const Tensor b = Tensor::from_host(dev, random(32 * 512, 4), s, DType::bfloat16, mem);
    const auto ha = a.to_host(), hb = b.to_host();
    BinaryConfig cfg;
    cfg.in_place = true;
    const Tensor c = add(a, b, cfg);
    EXPECT_EQ(c.buffer().address(), a.buffer().address());
    EXPECT_GT(ref::pcc(ref::binary(ha, hb, "add", ""), a.to_host()), 0.999);
}

TEST_F(EltwiseOp, InterleavedAllOps) {
    all_modes(BinaryOp::sub, {2, 64, 320}, MemoryConfig::dram_interleaved(), {});
    open("faithful");
    BinaryConfig relu;
    relu.input_a_activation = "relu";
    EXPECT_GT(run(BinaryOp::add, {1, 96, 256}, MemoryConfig::dram_interleaved(), relu).pcc, 0.99);
}

TEST_F(EltwiseOp, PlannerOnSmallGrid) {
    // 3 x 5 = 15 tiles on a 2x2 grid: 4 tiles per core on 4 cores (the last takes 3).
    BinaryConfig cfg;
    cfg.grid_x = 2, cfg.grid_y = 2;
    const Outcome r = run(BinaryOp::mul, {1, 96, 160}, MemoryConfig::dram_interleaved(), cfg);
    EXPECT_EQ(r.plan.num_cores, 4u);
    EXPECT_EQ(r.plan.tiles_per_core, 4u);
    EXPECT_EQ(r.plan.block, 4u);
    EXPECT_GT(r.pcc, 0.99);
}

TEST_F(EltwiseOp, ImpossibleInputsAreTypedErrors) {
    const Tensor a =
        Tensor::allocate(dev, {1, 32, 256}, DType::bfloat16, MemoryConfig::dram_interleaved());
    const Tensor b =
        Tensor::allocate(dev, {1, 32, 128}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(add(a, b), std::invalid_argument);
    BinaryConfig cfg;
    cfg.input_a_activation = "softmax";
    EXPECT_THROW(mul(a, a, cfg), std::invalid_argument);
    const Tensor s =
        Tensor::allocate(dev, {1, 32, 256}, DType::bfloat16, width_sharded(4, 1, 1, 2));
    EXPECT_THROW(add(s, a), std::invalid_argument);  // mixed layouts
    BinaryConfig ip;
    ip.in_place = true;
    ip.out_dtype = DType::bfloat8_b;
    EXPECT_THROW(add(a, a, ip), std::invalid_argument);
}

}  // namespace
