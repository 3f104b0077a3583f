// tensim::ops head split and merge around attention, TT-NN's reader/writer-only reshuffles
// (ttnn/cpp/ttnn/operations/experimental/transformer/nlp_{create_qkv,concat}_heads{,_decode}/):
//   nlp_create_qkv_heads         fused [batch, S, (n_q + 2 n_kv) * d] -> Q [batch * n_q, S, d],
//                                K and V [batch * n_kv, S, d]; whole tiles move;
//   nlp_concat_heads             [batch * n_h, S, d] -> [batch, S, n_h * d]; whole tiles;
//   nlp_create_qkv_heads_decode  fused [1, users, (n_q + 2 n_kv) * d] (users on tile rows) ->
//                                Q [users, n_q, d], K/V [users, n_kv, d] (heads on tile rows);
//                                each value row moves as two 16-datum face lines;
//   nlp_concat_heads_decode      [users, n_h, d] -> [1, users, n_h * d]; face lines.
// All tensors interleaved; outputs in DRAM (TT-NN's decode variants keep them sharded in L1).
#pragma once
#include <cstdint>
#include <string>

#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct HeadsConfig {
    uint32_t grid_x = 0, grid_y = 0;  // 0 = the device's compute grid
    uint32_t n_q_heads = 0, n_kv_heads = 0;
    uint32_t head_dim = 128;
};

struct QkvHeads {
    Tensor q, k, v;
};

struct HeadsPlan {
    uint32_t num_cores = 0, work_per_core = 0;
    std::string why;
    std::string describe() const;  // "N cores, M items each"
};

// Each throws std::invalid_argument when the widths do not divide into the heads.
QkvHeads nlp_create_qkv_heads(const Tensor& fused, const HeadsConfig& config,
                              HeadsPlan* plan_out = nullptr);
Tensor nlp_concat_heads(const Tensor& heads, uint32_t n_heads, const HeadsConfig& config = {},
                        HeadsPlan* plan_out = nullptr);
QkvHeads nlp_create_qkv_heads_decode(const Tensor& fused, const HeadsConfig& config,
                                     HeadsPlan* plan_out = nullptr);
Tensor nlp_concat_heads_decode(const Tensor& heads, const HeadsConfig& config = {},
                               HeadsPlan* plan_out = nullptr);

}  // namespace tensim::ops
