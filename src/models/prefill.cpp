// The prefill form of a decoder layer: one user, S tokens, the op sequence of tt_transformers'
// attention.py forward_prefill / mlp.py (llm_layers.md 1.4). Activations are DRAM-interleaved
// [1, S, width]; weights DRAM-interleaved, multiplied by the 2D-multicast matmul the op layer
// chooses for tall inputs. Each op not in tensim::ops yet is one `b.missing(...)` line below:
// wiring it is replacing that line with the op's call inside `b.run(label, op, [&] { ... })`.
#include "models/layer_internal.hpp"

namespace tensim::models::detail {

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Tensor;

Tensor weight_matmul(LayerBuilder& b, const std::string& label, const std::string& name,
                     const Tensor& a, uint32_t n, const MatmulFormat& f) {
    const auto cfg = matmul_config(f, MemoryConfig::dram_interleaved());
    const Tensor w = weight(b, a, a.shape().cols, n, f, MemoryConfig::dram_interleaved(), cfg);
    b.keep(name, w);
    return b.matmul(label, a, w, cfg);
}

}  // namespace

Tensor prefill_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                     const LayerPrecision& p, const Tensor& x) {
    const uint32_t S = s.seq_len, H = m.hidden_size, I = m.intermediate_size, hd = m.head_dim;
    const uint32_t nq = m.num_attention_heads, nkv = m.num_key_value_heads;
    const MemoryConfig dram = MemoryConfig::dram_interleaved();
    const bool llama = m.norm == Norm::rms_norm;
    const char* norm_op = llama ? "rms_norm" : "layer_norm";

    b.keep("norm_0", b.random({1, 1, H}, DType::bfloat16, dram, 1.0f));
    b.keep("k_cache", b.random({nkv, S, hd}, p.kv_cache, dram, 1.0f));
    b.keep("v_cache", b.random({nkv, S, hd}, p.kv_cache, dram, 1.0f));

    // ---- attention ----
    const Tensor xn = b.missing(llama ? "rms_0" : "layernorm_0", norm_op, kNormStream, {1, S, H},
                                DType::bfloat16, dram);
    Tensor qkv = weight_matmul(b, "qkv_mm", "wqkv", xn, m.qkv_width(), p.qkv);
    if (m.qkv_bias)
        qkv = b.missing("qkv_bias", "matmul with fused bias", kMmStream, {1, S, m.qkv_width()},
                        DType::bfloat16, dram);
    (void)qkv;
    (void)b.missing("createqkvheads", "nlp_create_qkv_heads", kAttnStream, {nq, S, hd},
                    DType::bfloat16, dram);
    (void)b.missing("rotary_q", "rotary_embedding_llama", kAttnStream, {nq, S, hd}, DType::bfloat16,
                    dram);
    (void)b.missing("rotary_k", "rotary_embedding_llama", kAttnStream, {nkv, S, hd},
                    DType::bfloat16, dram);
    (void)b.missing("typecast_k", "typecast", kNormStream, {nkv, S, hd}, p.kv_cache, dram);
    (void)b.missing("typecast_v", "typecast", kNormStream, {nkv, S, hd}, p.kv_cache, dram);
    (void)b.missing("fillcache_k", "fill_cache", kAttnStream, {1, 32, 32}, DType::bfloat16, dram);
    (void)b.missing("fillcache_v", "fill_cache", kAttnStream, {1, 32, 32}, DType::bfloat16, dram);
    (void)b.missing("sdpa", "scaled_dot_product_attention", kAttnStream, {nq, S, hd},
                    DType::bfloat16, dram);
    const Tensor heads = b.missing("concatheads", "nlp_concat_heads", kAttnStream,
                                   {1, S, m.q_width()}, DType::bfloat16, dram);
    const Tensor o = weight_matmul(b, "wo_mm", "wo", heads, H, p.wo);
    (void)o;

    // ---- MLP ----
    Tensor mlp_x = xn;
    if (!m.parallel_attn) {
        (void)b.missing("add_0", "add", kNormStream, {1, S, H}, DType::bfloat16, dram);
        b.keep("norm_1", b.random({1, 1, H}, DType::bfloat16, dram, 1.0f));
        mlp_x = b.missing(llama ? "rms_1" : "layernorm_1", norm_op, kNormStream, {1, S, H},
                          DType::bfloat16, dram);
    }
    Tensor ff;
    (void)weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1);
    if (m.gated_mlp) {
        (void)weight_matmul(b, "ff3_mm", "w3", mlp_x, I, p.ff3);
        ff = b.missing("binary_mult_silu", "mul (SiLU on input A)", kNormStream, {1, S, I},
                       p.ff2_input, dram);
    } else {
        ff = b.missing("ff1_gelu", "matmul with fused GELU", kMmStream, {1, S, I}, p.ff2_input,
                       dram);
    }
    (void)weight_matmul(b, "ff2_mm", "w2", ff, H, p.ff2);
    if (m.parallel_attn)
        (void)b.missing("add_0", "add", kNormStream, {1, S, H}, DType::bfloat16, dram);
    return b.missing("add_1", "add", kNormStream, {1, S, H}, DType::bfloat16, dram);
}

}  // namespace tensim::models::detail
