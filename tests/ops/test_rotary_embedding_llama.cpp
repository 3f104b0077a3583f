// rotary_embedding_llama: prefill (cos/sin per position, shared by heads) and decode (one row
// per user broadcast over its heads) against the fp64 reference in faithful and fast numerics,
// timing numerics with the same cycles, the row split on a small grid, and typed errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "ops/attention_reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"

using namespace tensim::ops;

namespace {

std::vector<float> uniform(size_t n, uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(g);
    return v;
}

class RotaryOp : public ::testing::Test {
protected:
    void SetUp() override { dev = tt::tt_metal::CreateDevice(0); }
    void TearDown() override {
        tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics("faithful");
    }
    // Returns PCC (0 in timing numerics) and cycles.
    std::pair<double, uint64_t> run(bool decode, uint32_t a, uint32_t b, uint32_t dh,
                                    RotaryConfig cfg = {}, RotaryPlan* plan = nullptr) {
        cfg.decode = decode;
        const Shape xs{a, b, dh};
        // Angles: position p, frequency i: theta = p / 10000^(2i/dh), each pair shares one.
        const uint32_t crow = decode ? a : b;
        std::vector<float> c(size_t(crow) * dh), s(c.size());
        for (uint32_t p = 0; p < crow; ++p)
            for (uint32_t d = 0; d < dh; ++d) {
                const double th = (p * 7 + 3) / std::pow(10000.0, double(d / 2 * 2) / dh);
                c[size_t(p) * dh + d] = float(std::cos(th));
                s[size_t(p) * dh + d] = float(std::sin(th));
            }
        const Shape cs = decode ? Shape{a, 1, dh} : Shape{1, b, dh};
        Tensor x = Tensor::from_host(dev, uniform(size_t(a) * b * dh, 5), xs, DType::bfloat16);
        Tensor tc = Tensor::from_host(dev, c, cs, DType::bfloat16);
        Tensor ts = Tensor::from_host(dev, s, cs, DType::bfloat16);
        Tensor t =
            Tensor::from_host(dev, rotary_transformation_matrix(), {1, 32, 32}, DType::bfloat16);
        Tensor out = rotary_embedding_llama(x, tc, ts, t, cfg, plan);
        const uint64_t cycles = tensim::last_program_stats(dev).device_cycles;
        EXPECT_EQ(tensim::last_program_stats(dev).name, "rotary_embedding_llama");
        if (tensim::numerics_mode_name() == "timing") return {0.0, cycles};
        // Reference rows: x rows with their cos/sin row.
        const auto xh = x.to_host(), ch = tc.to_host(), sh = ts.to_host();
        std::vector<float> cr(xh.size()), sr(xh.size());
        for (uint32_t i = 0; i < a; ++i)
            for (uint32_t j = 0; j < b; ++j) {
                const size_t from = size_t(decode ? i : j) * dh, to = (size_t(i) * b + j) * dh;
                std::copy_n(&ch[from], dh, &cr[to]);
                std::copy_n(&sh[from], dh, &sr[to]);
            }
        const auto ref = reference::rotary_llama(xh, cr, sr, a * b, dh);
        const double r = reference::pcc(ref, out.to_host());
        std::printf("[ pcc %.6f ] %s %s\n", r, tensim::numerics_mode_name().c_str(),
                    decode ? "decode" : "prefill");
        return {r, cycles};
    }
    tt::tt_metal::IDevice* dev = nullptr;
};

TEST_F(RotaryOp, PrefillAndDecodeInEveryNumericsMode) {
    const auto prefill = run(false, 4, 96, 128);  // 4 heads x 96 positions (padded to 128)
    const auto decode = run(true, 8, 32, 128);    // 8 users x 32 heads
    EXPECT_GE(prefill.first, 0.999);
    EXPECT_GE(decode.first, 0.999);
    tensim::set_numerics("fast");
    EXPECT_GE(run(false, 4, 96, 128).first, 0.999);
    EXPECT_EQ(run(true, 8, 32, 128).second, decode.second);
    tensim::set_numerics("timing");
    EXPECT_EQ(run(false, 4, 96, 128).second, prefill.second);
}

TEST_F(RotaryOp, RowsSplitOverASmallGridAndTypedErrors) {
    tensim::set_numerics("timing");
    RotaryConfig cfg;
    cfg.grid_x = cfg.grid_y = 2;
    RotaryPlan p;
    run(false, 3, 160, 64, cfg, &p);  // 3 heads x 5 tile rows = 15 rows over 4 cores
    EXPECT_EQ(p.tile_rows, 15u);
    EXPECT_EQ(p.rows_per_core, 4u);
    EXPECT_EQ(p.num_cores, 4u);
    EXPECT_THROW(plan_rotary_embedding_llama(dev, {4, 32, 128}, {1, 64, 128}, {}),
                 std::invalid_argument);  // prefill cos rows != S
    RotaryConfig d;
    d.decode = true;
    EXPECT_THROW(plan_rotary_embedding_llama(dev, {4, 32, 128}, {2, 1, 128}, d),
                 std::invalid_argument);  // one cos row per user
    EXPECT_THROW(plan_rotary_embedding_llama(dev, {4, 32, 96}, {4, 1, 96}, d),
                 std::invalid_argument);  // head_dim not a multiple of 64
}

}  // namespace
