// update_cache and fill_cache, unpaged and paged: the rows written hold the new values (as the
// cache's bfloat8_b holds them), every other row is unchanged; faithful, fast and timing
// numerics run the same cycles; the user split on a small grid; typed errors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "op_test.hpp"
#include "ops/attention_reference.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/kv_cache.hpp"

using namespace tensim::ops;

namespace {

using tensim::test::uniform;
using KvCacheOp = tensim::test::DeviceTest;

// Users 3, 2 KV heads, 128 rows, head_dim 64; paged: blocks of 32 rows, user u's virtual block b
// in physical block (u * 4 + b) reversed.
TEST_F(KvCacheOp, UpdateWritesOneRowPerUserAndHead) {
    const uint32_t users = 3, nkv = 2, s = 128, dh = 64;
    for (bool paged : {false, true}) {
        KvCacheConfig cfg;
        Shape cs{users * nkv, s, dh};
        if (paged) {
            cfg.n_kv_heads = nkv;
            cfg.page_table.assign(users, std::vector<uint32_t>(4));
            for (uint32_t u = 0; u < users; ++u)
                for (uint32_t b = 0; b < 4; ++b) cfg.page_table[u][b] = users * 4 - 1 - (u * 4 + b);
            cs = {users * 4 * nkv, 32, dh};
        }
        Tensor cache = Tensor::from_host(dev, uniform(size_t(cs.batch) * cs.rows * dh, 1), cs,
                                         DType::bfloat8_b);
        const auto before = cache.to_host();
        const auto in_host = uniform(size_t(users) * nkv * dh, 2);
        Tensor in = Tensor::from_host(dev, in_host, {users, nkv, dh}, DType::bfloat16);
        const std::vector<uint32_t> pos = {0, 77, 127};
        KvCachePlan p;
        update_cache(cache, in, pos, cfg, &p);
        EXPECT_EQ(tensim::last_program_stats(dev).name,
                  paged ? "paged_update_cache" : "update_cache");
        const auto after = cache.to_host();
        std::vector<double> expect(before.begin(), before.end());
        std::vector<bool> written(before.size(), false);
        for (uint32_t u = 0; u < users; ++u)
            for (uint32_t h = 0; h < nkv; ++h) {
                size_t row;  // element offset of (u, h, pos) in the stored cache
                if (paged) {
                    const uint32_t blk = cfg.page_table[u][pos[u] / 32];
                    row = ((size_t(blk) * nkv + h) * 32 + pos[u] % 32) * dh;
                } else {
                    row = ((size_t(u) * nkv + h) * s + pos[u]) * dh;
                }
                for (uint32_t d = 0; d < dh; ++d) {
                    expect[row + d] = in_host[(size_t(u) * nkv + h) * dh + d];
                    written[row + d] = true;
                }
            }
        for (size_t i = 0; i < before.size(); ++i)
            if (!written[i]) {
                ASSERT_EQ(after[i], before[i]) << "untouched element " << i;
            }
        EXPECT_GE(reference::pcc(expect, after), 0.999);
        std::vector<double> new_rows;
        std::vector<float> got_rows;
        for (size_t i = 0; i < before.size(); ++i)
            if (written[i]) new_rows.push_back(expect[i]), got_rows.push_back(after[i]);
        EXPECT_GE(reference::pcc(new_rows, got_rows), 0.99);
    }
}

TEST_F(KvCacheOp, FillCopiesTileRowsIntoTheUsersBlocks) {
    const uint32_t users = 2, nkv = 2, s = 128, dh = 64, s_in = 96;
    for (bool paged : {false, true}) {
        KvCacheConfig cfg;
        Shape cs{users * nkv, s, dh};
        if (paged) {
            cfg.n_kv_heads = nkv;
            cfg.page_table = {{7, 6, 5, 4}, {3, 2, 1, 0}};
            cs = {8 * nkv, 32, dh};
        }
        Tensor cache = Tensor::from_host(dev, uniform(size_t(cs.batch) * cs.rows * dh, 3), cs,
                                         DType::bfloat8_b);
        const auto before = cache.to_host();
        Tensor in = Tensor::from_host(dev, uniform(size_t(nkv) * s_in * dh, 4), {nkv, s_in, dh},
                                      DType::bfloat8_b);
        const auto in_dev = in.to_host();
        fill_cache(cache, in, 1, cfg);
        const auto after = cache.to_host();
        auto at = [&](uint32_t h, uint32_t r) -> size_t {
            if (!paged) return ((size_t(1) * nkv + h) * s + r) * dh;
            return ((size_t(cfg.page_table[1][r / 32]) * nkv + h) * 32 + r % 32) * dh;
        };
        std::vector<bool> written(before.size(), false);
        for (uint32_t h = 0; h < nkv; ++h)
            for (uint32_t r = 0; r < s_in; ++r)
                for (uint32_t d = 0; d < dh; ++d) {
                    ASSERT_EQ(after[at(h, r) + d], in_dev[(size_t(h) * s_in + r) * dh + d]);
                    written[at(h, r) + d] = true;
                }
        for (size_t i = 0; i < before.size(); ++i)
            if (!written[i]) {
                ASSERT_EQ(after[i], before[i]) << i;
            }
    }
}

TEST_F(KvCacheOp, SameCyclesInEveryModeSmallGridAndTypedErrors) {
    auto cycles = [&](const char* mode) {
        tensim::set_numerics(mode);
        Tensor cache = Tensor::from_host(dev, uniform(size_t(10) * 2 * 64 * 64, 1),
                                         {10 * 2, 64, 64}, DType::bfloat8_b);
        Tensor in = Tensor::from_host(dev, uniform(10 * 2 * 64, 2), {10, 2, 64}, DType::bfloat16);
        KvCacheConfig cfg;
        cfg.grid_x = cfg.grid_y = 2;  // 10 users on 4 cores: 3 each
        KvCachePlan p;
        update_cache(cache, in, std::vector<uint32_t>(10, 40), cfg, &p);
        EXPECT_EQ(p.work_per_core, 3u);
        EXPECT_EQ(p.num_cores, 4u);
        return tensim::last_program_stats(dev).device_cycles;
    };
    const uint64_t faithful = cycles("faithful");
    EXPECT_EQ(cycles("fast"), faithful);
    EXPECT_EQ(cycles("timing"), faithful);

    Tensor cache =
        Tensor::allocate(dev, {4, 64, 64}, DType::bfloat8_b, MemoryConfig::dram_interleaved());
    Tensor in =
        Tensor::allocate(dev, {2, 2, 64}, DType::bfloat16, MemoryConfig::dram_interleaved());
    EXPECT_THROW(update_cache(cache, in, {10, 64}), std::invalid_argument);  // beyond the cache
    EXPECT_THROW(update_cache(cache, in, {10}), std::invalid_argument);      // one pos per user
    Tensor big =
        Tensor::allocate(dev, {2, 96, 64}, DType::bfloat8_b, MemoryConfig::dram_interleaved());
    EXPECT_THROW(fill_cache(cache, big, 0), std::invalid_argument);  // 96 rows into 64
}

}  // namespace
