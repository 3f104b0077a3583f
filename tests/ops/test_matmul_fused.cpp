// Matmul with a fused bias and activation (TT-NN's FUSE_BIAS and fused activation of
// bmm_large_block_zm_fused_bias_activation): every program family against a host fp64 reference
// (A x B + bias row, then the activation) in faithful and fast numerics, and timing numerics giving
// faithful's cycles.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "ops/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

using namespace tensim::ops;

namespace {

double activate(MatmulActivation act, double x) {
    switch (act) {
        case MatmulActivation::relu:
            return x > 0 ? x : 0;
        case MatmulActivation::silu:
            return x / (1 + std::exp(-x));
        case MatmulActivation::gelu:
            return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
        case MatmulActivation::none:
            break;
    }
    return x;
}

struct Fused {
    const char* what;
    MatmulProgram program;
    uint32_t m, k, n;
    DType in1 = DType::bfloat16;
    bool bias = true;
    MatmulActivation act = MatmulActivation::none;
    const char* in0_mem = "dram_interleaved";
    const char* out_mem = "dram_interleaved";
    uint32_t in0_block_w = 0;  // 0: chosen
};

// Runs one case; returns the device cycles and (unless timing) checks PCC >= 0.99.
uint64_t run(const Fused& f, bool check) {
    auto* dev = tt::tt_metal::CreateDevice(0);
    MatmulConfig cfg;
    cfg.program = f.program;
    cfg.activation = f.act;
    cfg.in0_block_w = f.in0_block_w;
    cfg.out_mem = parse_memory_config(f.out_mem);
    cfg.math_fidelity = f.in1 == DType::bfloat16 ? MathFidelity::HiFi4 : MathFidelity::HiFi2;
    const Shape sa{1, f.m, f.k}, sb{1, f.k, f.n}, sbias{1, 1, f.n};
    const MemoryConfig mb = f.program == MatmulProgram::dram_sharded
                                ? parse_memory_config("dram_sharded")
                                : MemoryConfig::dram_interleaved();
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    auto fill = [&](size_t n) {
        std::vector<float> v(n);
        for (float& x : v) x = dist(rng);
        return v;
    };
    const auto va = fill(size_t(f.m) * f.k), vb = fill(size_t(f.k) * f.n);
    // A bias on the scale of the products (sqrt(K/9)), so that dropping it would fail the PCC.
    auto vc = fill(f.n);
    for (float& x : vc) x *= 2.0f * std::sqrt(float(f.k) / 9.0f);
    std::optional<Tensor> bias;
    if (f.bias) bias = Tensor::from_host(dev, vc, sbias, DType::bfloat16);
    cfg.bias = bias;
    const MatmulPlan want = plan_matmul(
        dev, {sa, sb, DType::bfloat16, f.in1, parse_memory_config(f.in0_mem), mb, false}, cfg);
    const Tensor a = Tensor::from_host(dev, va, sa, DType::bfloat16, want.a_mem);
    const Tensor b = Tensor::from_host(dev, vb, sb, f.in1, want.b_mem);
    MatmulPlan got;
    const Tensor out = matmul(a, b, cfg, &got);
    EXPECT_EQ(got.program, f.program) << f.what;
    EXPECT_EQ(got.fuse_bias, f.bias) << f.what;
    EXPECT_EQ(got.activation, f.act) << f.what;
    const uint64_t cycles = tensim::last_program_stats(dev).device_cycles;
    if (check) {
        const auto ha = a.to_host(), hb = b.to_host();
        const auto hc = bias ? bias->to_host() : std::vector<float>();
        std::vector<double> ref(size_t(f.m) * f.n, 0.0);
        for (uint32_t i = 0; i < f.m; ++i) {
            for (uint32_t kk = 0; kk < f.k; ++kk) {
                const double x = ha[size_t(i) * f.k + kk];
                for (uint32_t j = 0; j < f.n; ++j)
                    ref[size_t(i) * f.n + j] += x * hb[size_t(kk) * f.n + j];
            }
            for (uint32_t j = 0; j < f.n; ++j) {
                double& r = ref[size_t(i) * f.n + j];
                r = activate(f.act, r + (bias ? hc[j] : 0.0));
            }
        }
        const double p = reference::pcc(ref, out.to_host());
        EXPECT_GE(p, 0.99) << f.what;
        ::testing::Test::RecordProperty(f.what, std::to_string(p));
    }
    tt::tt_metal::CloseDevice(dev);
    return cycles;
}

const std::vector<Fused>& cases() {
    using A = MatmulActivation;
    using P = MatmulProgram;
    static const std::vector<Fused> c = {
        // 2D: 2x2 output blocks; 4 K steps (packer L1 accumulation), then 1 K step.
        {"2d bias", P::mcast_2d, 128, 256, 192, DType::bfloat16, true, A::none, "dram_interleaved",
         "dram_interleaved", 2},
        {"2d bias gelu one K step", P::mcast_2d, 128, 64, 192, DType::bfloat16, true, A::gelu},
        {"2d relu", P::mcast_2d, 128, 256, 192, DType::bfloat16, false, A::relu},
        // 1D mcast_in0 (decode-shaped), sharded output.
        {"1d bias silu", P::mcast_1d, 32, 256, 512, DType::bfloat8_b, true, A::silu,
         "dram_interleaved", "l1_sharded"},
        // DRAM-sharded: 9-tile shares padded to 10 (1x5 subblocks), width-sharded in0 and output
        // (Qwen2's QKV bias), and an unpadded share with an interleaved output.
        {"dram_sharded bias", P::dram_sharded, 32, 256, 3400, DType::bfloat8_b, true, A::none,
         "l1_sharded", "l1_sharded"},
        {"dram_sharded bias silu", P::dram_sharded, 32, 512, 768, DType::bfloat8_b, true, A::silu},
    };
    return c;
}

class MatmulFused : public ::testing::TestWithParam<size_t> {
protected:
    void TearDown() override { tensim::set_numerics("faithful"); }
};

TEST_P(MatmulFused, MatchesTheHostReference) {
    const Fused& f = cases()[GetParam()];
    tensim::set_numerics("faithful");
    const uint64_t faithful = run(f, true);
    tensim::set_numerics("fast");
    run(f, true);
    tensim::set_numerics("timing");
    EXPECT_EQ(run(f, false), faithful) << f.what;
}

INSTANTIATE_TEST_SUITE_P(Cases, MatmulFused, ::testing::Range<size_t>(0, 6));

TEST(MatmulFusedConfig, BadBiasIsAnError) {
    auto* dev = tt::tt_metal::CreateDevice(0);
    MatmulConfig cfg;
    cfg.bias = Tensor::allocate(dev, {1, 1, 64}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(plan_matmul(dev, {{1, 64, 64}, {1, 64, 128}}, cfg), std::invalid_argument);
    EXPECT_EQ(parse_activation("silu"), MatmulActivation::silu);
    EXPECT_THROW(parse_activation("tanh"), std::invalid_argument);
    tt::tt_metal::CloseDevice(dev);
}

}  // namespace
