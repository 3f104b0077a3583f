// tensim::ops KV-cache writes, as TT-NN's experimental/paged_cache programs run them:
//   update_cache (decode, TT-NN update_cache / paged_update_cache): one new row per user written
//     at cur_pos into the (bfloat8_b) cache: the tile row holding it is read, untilized, the row
//     overwritten, re-tilized and written back;
//   fill_cache (prefill, TT-NN fill_cache / paged_fill_cache): a user's whole K or V, tile rows
//     copied into the cache (reader / writer only).
// Shapes: cache [users * n_kv_heads, S, head_dim] (TT-NN [users, n_kv, S, head_dim]), or paged
// [blocks * n_kv_heads, block_size, head_dim] with a page table ([user][virtual block] =
// physical block). update_cache's input is [users, n_kv_heads, head_dim] (TT-NN [1, users, n_kv,
// head_dim]: heads on a tile's rows), bfloat16; fill_cache's is [n_kv_heads, S_in, head_dim] in the
// cache's dtype (tt_transformers typecasts first). Both modify the cache in place.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct KvCacheConfig {
    uint32_t grid_x = 0, grid_y = 0;                // 0 = the device's compute grid
    std::vector<std::vector<uint32_t>> page_table;  // empty: unpaged
    uint32_t n_kv_heads = 0;                        // required when paged
};

struct KvCachePlan {
    uint32_t num_cores = 0, work_per_core = 0;  // update: users per core; fill: tile rows
    bool paged = false;
    std::string why;
    std::string describe() const;
};

// Throws std::invalid_argument: cur_pos beyond the cache, shapes that do not match, a page table
// that does not cover the position. Program name "update_cache" ("paged_update_cache").
void update_cache(const Tensor& cache, const Tensor& input, const std::vector<uint32_t>& cur_pos,
                  const KvCacheConfig& config = {}, KvCachePlan* plan_out = nullptr);

// Writes input's S_in rows at rows 0..S_in of user `user`'s heads. Program name "fill_cache"
// ("paged_fill_cache").
void fill_cache(const Tensor& cache, const Tensor& input, uint32_t user,
                const KvCacheConfig& config = {}, KvCachePlan* plan_out = nullptr);

}  // namespace tensim::ops
