// tensim::ops::sdpa_decode: flash-decode attention of one new token per user against a KV cache
// (TT-NN's scaled_dot_product_attention_decode and its paged variant), run as the program TT-NN
// builds on Wormhole (ttnn/cpp/ttnn/operations/transformer/sdpa_decode/, FlashDecode.md):
//   - work items are users x KV heads; each user gets cores_per_batch cores, which either split
//     its KV heads (several heads per core) or split one head's KV sequence (several cores per
//     head, at most max_cores_per_head_batch);
//   - a core streams K and V chunks of its share up to cur_pos (the causal mask only on the
//     chunk holding cur_pos) and runs the online softmax; the cores of one head send their
//     partial (O, max, sum) to the head's reducer core over the NoC with a semaphore; the reducer
//     combines them, divides by the sum and writes the result;
//   - the Q heads of one KV head sit on the rows of one Q tile (GQA; MQA is one KV head).
// Shapes (tensim Tensors fold TT-NN's 4-D shapes into batch):
//   q        [users, n_q_heads, head_dim]          (TT-NN [1, users, n_q_heads, head_dim])
//   k, v     [users * n_kv_heads, S, head_dim]      (TT-NN [users, n_kv_heads, S, head_dim])
//            paged: [blocks * n_kv_heads, block_size, head_dim] with config.page_table
//   output   [users, n_q_heads, head_dim], bfloat16
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensim/host/data_format.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct SdpaDecodeConfig {
    // Compute grid the program may use; 0 = the device's compute grid.
    uint32_t grid_x = 0, grid_y = 0;
    // K/V rows per chunk (a multiple of 32); 0 = chosen (TT-NN's dynamic chunk: the positions
    // up to cur_pos in tiles, rounded to a power of two, at most 8 tiles).
    uint32_t k_chunk_size = 0;
    // SDPAProgramConfig::max_cores_per_head_batch: beyond it NoC traffic costs more than the
    // split saves (FlashDecode.md).
    uint32_t max_cores_per_head_batch = 16;
    std::optional<float> scale;  // unset = 1/sqrt(head_dim)
    // "hifi2na" of tt_transformers' decode SDPA: HiFi2, no fp32 Dst, approximate exp.
    MathFidelity math_fidelity = MathFidelity::HiFi2;
    bool fp32_dest_acc = false;
    bool exp_approx = true;
    // Paged cache: page_table[user][virtual block] = physical block; n_kv_heads must then be
    // given (the cache's batch is blocks * heads). Unpaged: n_kv_heads = 0 derives it.
    std::vector<std::vector<uint32_t>> page_table;
    uint32_t n_kv_heads = 0;
    MemoryConfig out_mem = MemoryConfig::dram_interleaved();
};

struct SdpaDecodePlan {
    uint32_t users = 0, n_q_heads = 0, n_kv_heads = 0, head_dim = 0;
    uint32_t cache_rows = 0;  // S (virtual, for a paged cache: blocks per user x block size)
    bool paged = false;
    uint32_t block_tiles = 0;  // paged: tile rows per block
    uint32_t grid_x = 0, grid_y = 0;
    uint32_t cores_per_batch = 0, cores_per_head = 0, heads_per_core = 0;
    uint32_t num_active_cores = 0;
    uint32_t k_chunk_tiles = 0;  // Sk_chunk_t
    float scale = 0;
    MathFidelity math_fidelity = MathFidelity::HiFi2;
    bool fp32_dest_acc = false, exp_approx = true;
    uint64_t l1_bytes_per_core = 0;
    std::string why;
    std::string describe() const;
};

// Plans the program for these shapes (no tensors needed). Throws std::invalid_argument when the
// inputs cannot run: head counts that do not divide, cur_pos beyond the cache, fewer cores than
// users, more than 32 Q heads, a page table that does not cover cur_pos.
SdpaDecodePlan plan_sdpa_decode(tt::tt_metal::IDevice* device, const Shape& q, const Shape& k,
                                const std::vector<uint32_t>& cur_pos,
                                const SdpaDecodeConfig& config);

// Runs it; q bfloat16 interleaved, k and v interleaved (bfloat8_b or bfloat16). The program is
// named "scaled_dot_product_attention_decode" (paged: "paged_scaled_dot_product_attention_decode").
Tensor sdpa_decode(const Tensor& q, const Tensor& k, const Tensor& v,
                   const std::vector<uint32_t>& cur_pos, const SdpaDecodeConfig& config = {},
                   SdpaDecodePlan* plan_out = nullptr);

}  // namespace tensim::ops
