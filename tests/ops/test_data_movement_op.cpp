// typecast and to_memory_config: values survive (typecast within the target format's rounding,
// PCC against the fp64 input; moves exactly), in faithful and fast numerics, timing giving the
// same cycles; the planners on a small grid; typed errors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ops/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/data_movement.hpp"

using namespace tensim::ops;
namespace ref = tensim::ops::reference;

namespace {

std::vector<float> random(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

std::vector<double> widen(const std::vector<float>& v) { return {v.begin(), v.end()}; }

MemoryConfig sharded(MemLayout l, uint32_t gx, uint32_t gy, uint32_t rt, uint32_t ct) {
    return MemoryConfig::l1_sharded(l, CoreRangeSet(CoreRange({0, 0}, {gx - 1, gy - 1})), {rt, ct});
}

class MoveOp : public ::testing::Test {
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
    tt::tt_metal::IDevice* dev = nullptr;
};

TEST_F(MoveOp, TypecastEveryFormatInEveryMode) {
    const Shape s{1, 64, 256};
    const auto v = random(64 * 256, 1);
    uint64_t cycles[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        open(modes[m]);
        const Tensor x = Tensor::from_host(dev, v, s, DType::bfloat16);
        for (DType d : {DType::bfloat8_b, DType::bfloat4_b, DType::float32}) {
            const Tensor y = typecast(x, d);
            EXPECT_EQ(y.dtype(), d);
            if (d == DType::bfloat8_b) cycles[m] = tensim::last_program_stats(dev).device_cycles;
            if (m < 2) {
                const double pcc = ref::pcc(widen(x.to_host()), y.to_host());
                EXPECT_GT(pcc, d == DType::bfloat4_b ? 0.97 : 0.999) << dtype_name(d);
                // and back to bf16
                const Tensor z = typecast(y, DType::bfloat16);
                EXPECT_GT(ref::pcc(widen(y.to_host()), z.to_host()), 0.999);
            }
        }
    }
    EXPECT_EQ(cycles[1], cycles[0]);
    EXPECT_EQ(cycles[2], cycles[0]);
}

TEST_F(MoveOp, TypecastSharded) {
    const MemoryConfig mem = sharded(MemLayout::width_sharded, 4, 1, 1, 2);
    const Tensor x =
        Tensor::from_host(dev, random(32 * 256, 2), {1, 32, 256}, DType::bfloat16, mem);
    const Tensor y = typecast(x, DType::bfloat8_b);
    EXPECT_TRUE(y.memory_config().is_sharded());
    EXPECT_GT(ref::pcc(widen(x.to_host()), y.to_host()), 0.999);
}

TEST_F(MoveOp, ReshardAndBack) {
    const Shape s{1, 64, 512};  // 2 x 16 tiles
    const auto v = random(64 * 512, 3);
    const Tensor x = Tensor::from_host(dev, v, s, DType::bfloat16);
    const auto hx = x.to_host();
    MovePlan p;
    const Tensor w = interleaved_to_sharded(x, sharded(MemLayout::width_sharded, 4, 2, 2, 2), &p);
    EXPECT_EQ(p.num_cores, 8u);
    EXPECT_EQ(tensim::last_program_stats(dev).name, "interleaved_to_sharded");
    EXPECT_EQ(w.to_host(), hx);
    const Tensor b = reshard(w, sharded(MemLayout::block_sharded, 4, 2, 1, 4));
    EXPECT_EQ(b.to_host(), hx);
    const Tensor h = reshard(b, sharded(MemLayout::height_sharded, 2, 1, 1, 16));
    EXPECT_EQ(h.to_host(), hx);
    const Tensor back = sharded_to_interleaved(h, MemoryConfig::l1_interleaved());
    EXPECT_EQ(tensim::last_program_stats(dev).name, "sharded_to_interleaved");
    EXPECT_EQ(back.to_host(), hx);
}

TEST_F(MoveOp, MovesTimeTheSameInEveryMode) {
    uint64_t c[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        open(modes[m]);
        const Tensor x =
            Tensor::from_host(dev, random(32 * 1024, 4), {1, 32, 1024}, DType::bfloat16);
        to_memory_config(x, sharded(MemLayout::width_sharded, 8, 2, 1, 2));
        c[m] = tensim::last_program_stats(dev).device_cycles;
    }
    EXPECT_EQ(c[1], c[0]);
    EXPECT_EQ(c[2], c[0]);
}

TEST_F(MoveOp, PlannerOnSmallGridAndErrors) {
    tt::tt_metal::CloseDevice(dev);
    dev = nullptr;
    tensim::set_system("n150", {"worker_grid=2x2"});
    open("faithful");
    const Tensor x = Tensor::from_host(dev, random(64 * 320, 5), {1, 64, 320}, DType::bfloat16);
    MovePlan p;
    const Tensor y = to_memory_config(x, MemoryConfig::l1_interleaved(), &p);
    EXPECT_EQ(p.num_cores, 4u);  // 20 tiles, 5 per core
    EXPECT_EQ(p.tiles_per_core, 5u);
    EXPECT_EQ(y.to_host(), x.to_host());
    // Shards that do not cover the tensor, an incomplete target: typed errors.
    EXPECT_THROW(to_memory_config(x, sharded(MemLayout::width_sharded, 2, 1, 2, 2)),
                 std::invalid_argument);
    EXPECT_THROW(to_memory_config(x, parse_memory_config("l1_sharded")), std::invalid_argument);
    tt::tt_metal::CloseDevice(dev);
    dev = nullptr;
    tensim::set_system("n150");
}

}  // namespace
