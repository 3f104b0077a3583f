// The prefill form of a decoder layer: one user, S tokens, the op sequence of tt_transformers'
// attention.py forward_prefill / mlp.py (llm_layers.md 1.4). Activations are DRAM-interleaved
// [1, S, width]; weights DRAM-interleaved, multiplied by the 2D-multicast matmul the op layer
// chooses for tall inputs. The attention ops read and write DRAM-interleaved tensors as well.
#include "models/layer_internal.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/eltwise.hpp"
#include "tensim/ops/kv_cache.hpp"
#include "tensim/ops/nlp_heads.hpp"
#include "tensim/ops/norm.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"
#include "tensim/ops/sdpa.hpp"

namespace tensim::models::detail {

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Tensor;

Tensor weight_matmul(LayerBuilder& b, const std::string& label, const std::string& name,
                     const Tensor& a, uint32_t n, const MatmulFormat& f,
                     const std::optional<Tensor>& bias = std::nullopt,
                     ops::MatmulActivation act = ops::MatmulActivation::none) {
    auto cfg = matmul_config(f, MemoryConfig::dram_interleaved());
    cfg.bias = bias;
    cfg.activation = act;
    const Tensor w = weight(b, a, a.shape().cols, n, f, MemoryConfig::dram_interleaved(), cfg);
    b.keep(name, w);
    return b.matmul(label, a, w, cfg);
}

Tensor norm(LayerBuilder& b, const ModelConfig& m, const std::string& label, const Tensor& x,
            const Tensor& gamma) {
    ops::NormConfig cfg;
    cfg.epsilon = float(m.norm_eps);
    const bool rms = m.norm == Norm::rms_norm;
    return b.run(label, rms ? "rms_norm" : "layer_norm", [&] {
        return rms ? ops::rms_norm(x, gamma, std::nullopt, cfg)
                   : ops::layer_norm(x, gamma, std::nullopt, cfg);
    });
}

Tensor add(LayerBuilder& b, const std::string& label, const Tensor& x, const Tensor& y) {
    return b.run(label, "add", [&] { return ops::add(x, y); });
}

}  // namespace

Tensor prefill_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                     const LayerPrecision& p, const Tensor& x) {
    const uint32_t S = s.seq_len, H = m.hidden_size, I = m.intermediate_size, hd = m.head_dim;
    const uint32_t nq = m.num_attention_heads, nkv = m.num_key_value_heads;
    const MemoryConfig dram = MemoryConfig::dram_interleaved();
    const bool llama = m.norm == Norm::rms_norm;
    const char* norm_op = llama ? "rms_norm" : "layer_norm";

    const Tensor g0 = b.random({1, 1, H}, DType::bfloat16, dram, 1.0f);
    b.keep("norm_0", g0);
    b.keep("k_cache", b.random({nkv, S, hd}, p.kv_cache, dram, 1.0f));
    b.keep("v_cache", b.random({nkv, S, hd}, p.kv_cache, dram, 1.0f));

    // ---- attention ----
    (void)norm_op;
    const Tensor xn = norm(b, m, llama ? "rms_0" : "layernorm_0", x, g0);
    const Tensor qkv = weight_matmul(b, "qkv_mm", "wqkv", xn, m.qkv_width(), p.qkv, qkv_bias(b, m));
    ops::HeadsConfig hc;
    hc.n_q_heads = nq, hc.n_kv_heads = nkv, hc.head_dim = hd;
    const ops::QkvHeads heads_in = b.run("createqkvheads", "nlp_create_qkv_heads",
                                         [&] { return ops::nlp_create_qkv_heads(qkv, hc); });
    // RoPE: token i at position i; one cos/sin row per position, shared by the heads.
    std::vector<uint32_t> pos(S);
    for (uint32_t i = 0; i < S; ++i) pos[i] = i;
    const Tensor cos = rope_table(b, m, pos, false, {1, S, hd});
    const Tensor sin = rope_table(b, m, pos, true, {1, S, hd});
    const Tensor trans = rope_transformation(b);
    const Tensor qr = b.run("rotary_q", "rotary_embedding_llama", [&] {
        return ops::rotary_embedding_llama(heads_in.q, cos, sin, trans);
    });
    const Tensor kr = b.run("rotary_k", "rotary_embedding_llama", [&] {
        return ops::rotary_embedding_llama(heads_in.k, cos, sin, trans);
    });
    // K and V in the cache's format, written into user 0's cache; attention reads them.
    const Tensor k8 =
        b.run("typecast_k", "typecast", [&] { return ops::typecast(kr, p.kv_cache, dram); });
    const Tensor v8 = b.run("typecast_v", "typecast",
                            [&] { return ops::typecast(heads_in.v, p.kv_cache, dram); });
    b.run("fillcache_k", "fill_cache", [&] {
        ops::fill_cache(b.kept().at("k_cache"), k8, 0);
        return 0;
    });
    b.run("fillcache_v", "fill_cache", [&] {
        ops::fill_cache(b.kept().at("v_cache"), v8, 0);
        return 0;
    });
    ops::SdpaConfig sc;
    sc.n_q_heads = nq, sc.n_kv_heads = nkv;
    const Tensor attn =
        b.run("sdpa", "scaled_dot_product_attention", [&] { return ops::sdpa(qr, k8, v8, sc); });
    const Tensor heads =
        b.run("concatheads", "nlp_concat_heads", [&] { return ops::nlp_concat_heads(attn, nq); });
    const Tensor o = weight_matmul(b, "wo_mm", "wo", heads, H, p.wo);

    // ---- MLP ----
    Tensor mlp_x = xn, h1;
    if (!m.parallel_attn) {
        h1 = add(b, "add_0", x, o);
        const Tensor g1 = b.random({1, 1, H}, DType::bfloat16, dram, 1.0f);
        b.keep("norm_1", g1);
        mlp_x = norm(b, m, llama ? "rms_1" : "layernorm_1", h1, g1);
    }
    Tensor ff;
    if (m.gated_mlp) {
        const Tensor a1 = weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1);
        const Tensor a3 = weight_matmul(b, "ff3_mm", "w3", mlp_x, I, p.ff3);
        ops::BinaryConfig silu;
        silu.input_a_activation = "silu";
        silu.out_dtype = p.ff2_input;
        ff = b.run("binary_mult_silu", "mul", [&] { return ops::mul(a1, a3, silu); });
    } else {  // Falcon's dense_h_to_4h with GELU fused into the matmul
        ff = weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1, std::nullopt,
                           ops::MatmulActivation::gelu);
    }
    const Tensor down = weight_matmul(b, "ff2_mm", "w2", ff, H, p.ff2);
    if (m.parallel_attn) return add(b, "add_1", x, add(b, "add_0", o, down));
    return add(b, "add_1", h1, down);
}

}  // namespace tensim::models::detail
