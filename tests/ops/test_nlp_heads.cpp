// Head create/concat, prefill and decode: every value lands where the host rearrangement puts it
// (exact: values only move), concat undoes create, the same cycles in every numerics mode, the
// work split on a small grid, and typed errors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "op_test.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/nlp_heads.hpp"

using namespace tensim::ops;

namespace {

using tensim::test::uniform;
using HeadsOp = tensim::test::DeviceTest;

TEST_F(HeadsOp, PrefillCreateSplitsAndConcatRestores) {
    const uint32_t B = 2, S = 64, nq = 4, nkv = 2, d = 64, W = (nq + 2 * nkv) * d;
    Tensor fused =
        Tensor::from_host(dev, uniform(size_t(B) * S * W, 1), {B, S, W}, DType::bfloat16);
    const auto f = fused.to_host();
    HeadsConfig cfg{.grid_x = 2, .grid_y = 1, .n_q_heads = nq, .n_kv_heads = nkv, .head_dim = d};
    HeadsPlan plan;
    QkvHeads h = nlp_create_qkv_heads(fused, cfg, &plan);
    EXPECT_EQ(plan.num_cores, 2u);  // 4 tile rows over 2 cores
    const auto q = h.q.to_host(), k = h.k.to_host(), v = h.v.to_host();
    for (uint32_t b = 0; b < B; ++b)
        for (uint32_t s = 0; s < S; ++s)
            for (uint32_t c = 0; c < W; ++c) {
                const float x = f[(size_t(b) * S + s) * W + c];
                const uint32_t head = c / d, e = c % d;
                if (head < nq)
                    ASSERT_EQ(q[((size_t(b) * nq + head) * S + s) * d + e], x);
                else if (head < nq + nkv)
                    ASSERT_EQ(k[((size_t(b) * nkv + head - nq) * S + s) * d + e], x);
                else
                    ASSERT_EQ(v[((size_t(b) * nkv + head - nq - nkv) * S + s) * d + e], x);
            }
    Tensor back = nlp_concat_heads(h.q, nq, cfg);
    const auto bk = back.to_host();
    for (uint32_t b = 0; b < B; ++b)
        for (uint32_t s = 0; s < S; ++s)
            for (uint32_t c = 0; c < nq * d; ++c)
                ASSERT_EQ(bk[(size_t(b) * S + s) * nq * d + c], f[(size_t(b) * S + s) * W + c]);
}

TEST_F(HeadsOp, DecodeMovesRowsBetweenUsersAndHeads) {
    const uint32_t users = 8, nq = 8, nkv = 2, d = 64, W = (nq + 2 * nkv) * d;
    auto cycles = [&](const char* mode) {
        tensim::set_numerics(mode);
        Tensor fused =
            Tensor::from_host(dev, uniform(size_t(users) * W, 2), {1, users, W}, DType::bfloat16);
        HeadsConfig cfg{.n_q_heads = nq, .n_kv_heads = nkv, .head_dim = d};
        QkvHeads h = nlp_create_qkv_heads_decode(fused, cfg);
        const uint64_t c0 = tensim::last_program_stats(dev).device_cycles;
        Tensor back = nlp_concat_heads_decode(h.q, cfg);
        const uint64_t c1 = tensim::last_program_stats(dev).device_cycles;
        if (std::string(mode) != "timing") {
            const auto f = fused.to_host(), q = h.q.to_host(), k = h.k.to_host(), v = h.v.to_host(),
                       bk = back.to_host();
            for (uint32_t u = 0; u < users; ++u)
                for (uint32_t c = 0; c < W; ++c) {
                    const float x = f[size_t(u) * W + c];
                    const uint32_t head = c / d, e = c % d;
                    if (head < nq) {
                        EXPECT_EQ(q[(size_t(u) * nq + head) * d + e], x);
                        EXPECT_EQ(bk[size_t(u) * nq * d + c], x);
                    } else if (head < nq + nkv) {
                        EXPECT_EQ(k[(size_t(u) * nkv + head - nq) * d + e], x);
                    } else {
                        EXPECT_EQ(v[(size_t(u) * nkv + head - nq - nkv) * d + e], x);
                    }
                }
        }
        return std::make_pair(c0, c1);
    };
    const auto faithful = cycles("faithful");
    EXPECT_EQ(cycles("fast"), faithful);
    EXPECT_EQ(cycles("timing"), faithful);
}

TEST_F(HeadsOp, TypedErrors) {
    Tensor fused =
        Tensor::allocate(dev, {1, 32, 1000}, DType::bfloat16, MemoryConfig::dram_interleaved());
    HeadsConfig cfg{.n_q_heads = 8, .n_kv_heads = 2, .head_dim = 64};
    EXPECT_THROW(nlp_create_qkv_heads(fused, cfg), std::invalid_argument);  // width 1000
    Tensor heads =
        Tensor::allocate(dev, {6, 32, 64}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(nlp_concat_heads(heads, 4), std::invalid_argument);  // 6 is not b x 4
}

}  // namespace
