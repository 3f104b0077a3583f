// tensim::ops::sdpa: causal prefill attention (TT-NN's scaled_dot_product_attention with
// is_causal), run as TT-NN's FlashAttention-2 program (ttnn/cpp/ttnn/operations/transformer/sdpa/,
// tech_reports/FlashAttention/FlashAttention.md): work items are (batch x Q head, Q chunk); each
// core takes a "low" and a "high" Q chunk in turn (chunk i with chunk n-1-i) so causal work is
// balanced; per Q chunk it streams K/V chunks up to the diagonal, masks only diagonal chunks, and
// keeps the output accumulator in L1 until it is written once.
// Shapes (TT-NN's 4-D shapes folded into batch): q [batch * n_q_heads, S, head_dim];
// k, v [batch * n_kv_heads, S, head_dim] (GQA: Q head h reads KV head h / (n_q / n_kv)); output
// like q, bfloat16.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "tensim/host/data_format.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct SdpaConfig {
    uint32_t grid_x = 0, grid_y = 0;  // 0 = the device's compute grid
    // Rows per Q and K chunk (multiples of 32 dividing S); 0 = tt_transformers' choice: 256 if
    // S >= 2048, else 64 (llm_layers.md 1.4).
    uint32_t q_chunk_size = 0, k_chunk_size = 0;
    uint32_t n_q_heads = 0;      // heads per batch entry; required when batch > 1 (0: q's batch)
    uint32_t n_kv_heads = 0;     // 0: k's batch / (q's batch / n_q_heads)
    std::optional<float> scale;  // unset = 1/sqrt(head_dim)
    // tt_transformers' prefill SDPA: HiFi4, fp32 accumulation, exact exp.
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = true;
    bool exp_approx = false;
};

struct SdpaPlan {
    uint32_t batch = 0, n_q_heads = 0, n_kv_heads = 0, seq_len = 0, head_dim = 0;
    uint32_t q_chunk_tiles = 0, k_chunk_tiles = 0, q_chunks = 0;
    uint32_t num_cores = 0, items_per_core = 0;  // (head, Q chunk) items
    bool balanced = false;                       // low/high Q-chunk pairing
    float scale = 0;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = true, exp_approx = false;
    uint64_t l1_bytes_per_core = 0;
    std::string why;
    std::string describe() const;
};

SdpaPlan plan_sdpa(tt::tt_metal::IDevice* device, const Shape& q, const Shape& k,
                   const SdpaConfig& config);

// q, k, v interleaved in DRAM (q bfloat16 or bfloat8_b, k/v bfloat8_b or bfloat16). Program name
// "scaled_dot_product_attention". Throws std::invalid_argument for shapes that do not fit.
Tensor sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const SdpaConfig& config = {},
            SdpaPlan* plan_out = nullptr);

}  // namespace tensim::ops
