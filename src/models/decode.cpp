// The decode form of a decoder layer: B users, one token each, the op sequence of
// tt_transformers' decoder.py / attention.py forward_decode / mlp.py (llm_layers.md 1.3).
// Activations live in L1, width-sharded (the residual stream on 32 cores, the MLP on 64);
// weights are DRAM-sharded over the 12 banks and streamed once per token by the DRAM-sharded
// matmul. The attention ops between QKV and WO read and write interleaved tensors (their
// programs in tensim::ops take interleaved inputs), so the layer moves activations between the
// sharded matmuls and them with to_memory_config / sharded_to_interleaved.
#include <fmt/format.h>

#include <stdexcept>

#include "models/layer_internal.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/eltwise.hpp"
#include "tensim/ops/kv_cache.hpp"
#include "tensim/ops/nlp_heads.hpp"
#include "tensim/ops/norm.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"
#include "tensim/ops/sdpa_decode.hpp"

namespace tensim::models::detail {

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Shape;
using ops::Tensor;

// The activation config a DRAM-sharded matmul of [rows, k] x [k, n] takes: `want` when the
// program accepts it, else L1 interleaved (what the op layer can always read).
MemoryConfig matmul_input(LayerBuilder& b, const MemoryConfig& want, uint32_t rows, uint32_t k,
                          uint32_t n, const MatmulFormat& f) {
    try {
        (void)ops::plan_matmul(b.device(),
                               {{1, rows, k},
                                {1, k, n},
                                DType::bfloat16,
                                f.weight,
                                want,
                                ops::parse_memory_config("dram_sharded"),
                                false},
                               matmul_config(f, ops::parse_memory_config("l1_width_sharded")));
        return want;
    } catch (const std::invalid_argument&) {
        return MemoryConfig::l1_interleaved();
    }
}

// One DRAM-sharded weight matmul: plans, makes the weight where the plan wants it, runs.
Tensor weight_matmul(LayerBuilder& b, const std::string& label, const std::string& name,
                     const Tensor& a, uint32_t n, const MatmulFormat& f,
                     const std::optional<Tensor>& bias = std::nullopt,
                     ops::MatmulActivation act = ops::MatmulActivation::none) {
    auto cfg = matmul_config(f, ops::parse_memory_config("l1_width_sharded"));
    cfg.bias = bias;
    cfg.activation = act;
    const Tensor w =
        weight(b, a, a.shape().cols, n, f, ops::parse_memory_config("dram_sharded"), cfg);
    b.keep(name, w);
    return b.matmul(label, a, w, cfg);
}

// The layer's norm (RMSNorm, or LayerNorm for Falcon) with its gamma, onto `out`.
Tensor norm(LayerBuilder& b, const ModelConfig& m, const std::string& label, const Tensor& x,
            const Tensor& gamma, const MemoryConfig& out) {
    ops::NormConfig cfg;
    cfg.epsilon = float(m.norm_eps);
    cfg.out_mem = out;
    const bool rms = m.norm == Norm::rms_norm;
    return b.run(label, rms ? "rms_norm" : "layer_norm", [&] {
        return rms ? ops::rms_norm(x, gamma, std::nullopt, cfg)
                   : ops::layer_norm(x, gamma, std::nullopt, cfg);
    });
}

// `x` in `mem` (to_memory_config, recorded as `label`), or `x` itself when it is there already.
Tensor move(LayerBuilder& b, const std::string& label, const Tensor& x, const MemoryConfig& mem) {
    if (describe(x.memory_config()) == describe(mem)) return x;
    return b.run(label, "to_memory_config", [&] { return ops::to_memory_config(x, mem); });
}

// Residual add of two tensors sharded alike, written onto `mem`.
Tensor add(LayerBuilder& b, const std::string& label, const Tensor& x, const Tensor& y) {
    return b.run(label, "add", [&] { return ops::add(x, y); });
}

// From WO on: the attention output projection, the residual and the MLP.
Tensor finish_decode(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                     const LayerPrecision& p, const Tensor& x, const Tensor& xn,
                     const Tensor& heads) {
    auto* dev = b.device();
    const uint32_t B = s.batch, H = m.hidden_size, I = m.intermediate_size;
    const MemoryConfig residual = x.memory_config();
    const bool llama = m.norm == Norm::rms_norm;
    const Tensor o = weight_matmul(b, "wo_mm", "wo", heads, H, p.wo);

    // ---- MLP ----
    const MemoryConfig mlp_in =
        matmul_input(b, width_sharded_l1(dev, B, H, kMlpCores), B, H, I, p.ff1);
    const Tensor o_res = move(b, "reshard_wo", o, residual);
    Tensor h1;  // the residual after attention (Llama)
    Tensor mlp_x;
    if (!m.parallel_attn) {
        h1 = add(b, "add_0", x, o_res);
        const Tensor g1 =
            b.random({1, 1, H}, DType::bfloat16, MemoryConfig::dram_interleaved(), 1.0f);
        b.keep("norm_1", g1);
        mlp_x = norm(b, m, llama ? "rms_1" : "layernorm_1", h1, g1, mlp_in);
    } else {
        // Falcon: the MLP reads the same normed input as attention (tt's Falcon-7B decoder).
        mlp_x = move(b, "reshard_mlp", xn, mlp_in);
    }
    const MemoryConfig ff2_in =
        matmul_input(b, width_sharded_l1(dev, B, I, kMlpCores), B, I, H, p.ff2);
    Tensor ff;
    if (m.gated_mlp) {
        const Tensor a1 = weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1);
        const Tensor a3 = weight_matmul(b, "ff3_mm", "w3", mlp_x, I, p.ff3);
        ops::BinaryConfig silu;
        silu.input_a_activation = "silu";
        silu.out_dtype = p.ff2_input;
        // TT-NN runs the SiLU x mul on the MLP's cores, in FF1's output config (mlp.py:
        // memory_config=w1_out.memory_config(), width-sharded on up to 64 cores; llm_layers.md
        // 1.3 row 15), where FF2 reads it. tensim's DRAM-sharded matmul leaves its output on the
        // 12 bank workers, so both products move to FF2's input config first.
        const Tensor a1m = move(b, "reshard_ff1", a1, ff2_in);
        const Tensor a3m = move(b, "reshard_ff3", a3, ff2_in);
        ff = b.run("binary_mult_silu", "mul", [&] { return ops::mul(a1m, a3m, silu); });
        ff = move(b, "reshard_ff2_in", ff, ff2_in);
    } else {
        // Falcon's dense_h_to_4h with GELU fused into the matmul (TT-NN's fused_activation).
        ff = weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1, std::nullopt,
                           ops::MatmulActivation::gelu);
        ff = move(b, "reshard_ff2_in", ff, ff2_in);
    }
    const Tensor down = weight_matmul(b, "ff2_mm", "w2", ff, H, p.ff2);
    const Tensor down_res = move(b, "reshard_ff2", down, residual);
    if (m.parallel_attn) return add(b, "add_1", x, add(b, "add_0", o_res, down_res));
    return add(b, "add_1", h1, down_res);
}

}  // namespace

Tensor decode_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                    const LayerPrecision& p, const Tensor& x) {
    auto* dev = b.device();
    const uint32_t B = s.batch, H = m.hidden_size, hd = m.head_dim;
    const uint32_t qkv_w = m.qkv_width(), q_w = m.q_width();
    const MemoryConfig residual = x.memory_config();
    const bool llama = m.norm == Norm::rms_norm;
    const char* norm_op = llama ? "rms_norm" : "layer_norm";
    const std::string norm0 = llama ? "rms_0" : "layernorm_0";

    // Norm parameters and the KV cache (a contiguous [users x KV heads, positions, head_dim]
    // cache; tt_transformers pages it, which changes addresses, not bytes).
    const Tensor g0 = b.random({1, 1, H}, DType::bfloat16, MemoryConfig::dram_interleaved(), 1.0f);
    b.keep("norm_0", g0);
    const uint32_t cache_len = (s.kv_len + 1 + 31) / 32 * 32;
    const Shape cache{B * m.num_key_value_heads, cache_len, hd};
    b.keep("k_cache", b.random(cache, p.kv_cache, MemoryConfig::dram_interleaved(), 1.0f));
    b.keep("v_cache", b.random(cache, p.kv_cache, MemoryConfig::dram_interleaved(), 1.0f));

    // ---- attention ----
    (void)norm_op;
    const Tensor xn = norm(b, m, norm0, x, g0, matmul_input(b, residual, B, H, qkv_w, p.qkv));
    const Tensor qkv = weight_matmul(b, "qkv_mm", "wqkv", xn, qkv_w, p.qkv, qkv_bias(b, m));
    const Tensor qkv_i = b.run("sharded_to_interleaved", "sharded_to_interleaved", [&] {
        return ops::sharded_to_interleaved(qkv, MemoryConfig::dram_interleaved());
    });
    const MemoryConfig concat_mem =
        matmul_input(b, width_sharded_l1(dev, B, q_w, kResidualCores), B, q_w, H, p.wo);
    // More than 32 Q heads (Falcon-7B's 71) do not fit the decode head ops' one tile of heads;
    // TT-NN runs Falcon's own head split there, not built yet.
    if (m.num_attention_heads > 32) {
        for (const char* l :
             {"createqkvheads", "rotaryembeddingllamafusedqk", "pagedupdatecache", "sdpa"})
            (void)b.missing(l, "attention with more than 32 Q heads", kAttnStream, {1, 32, 32},
                            DType::bfloat16, MemoryConfig::dram_interleaved());
        return finish_decode(b, m, s, p, x, xn,
                             b.missing("concatheads", "nlp_concat_heads_decode", kAttnStream,
                                       {1, B, q_w}, DType::bfloat16, concat_mem));
    }
    // Heads: Q [users, n_q, hd] and K/V [users, n_kv, hd], the heads on a tile's rows.
    ops::HeadsConfig hc;
    hc.n_q_heads = m.num_attention_heads, hc.n_kv_heads = m.num_key_value_heads, hc.head_dim = hd;
    const ops::QkvHeads heads_in = b.run("createqkvheads", "nlp_create_qkv_heads_decode", [&] {
        return ops::nlp_create_qkv_heads_decode(qkv_i, hc);
    });
    // RoPE at each user's position (the new token sits at kv_len). TT-NN fuses Q and K into one
    // program; here they are two runs of rotary_embedding_llama's decode program.
    const std::vector<uint32_t> pos(B, s.kv_len);
    const Tensor cos = rope_table(b, m, pos, false, {B, 1, hd});
    const Tensor sin = rope_table(b, m, pos, true, {B, 1, hd});
    const Tensor trans = rope_transformation(b);
    ops::RotaryConfig rc;
    rc.decode = true;
    const Tensor q = b.run("rotaryembeddingllamafusedqk", "rotary_embedding_llama", [&] {
        return ops::rotary_embedding_llama(heads_in.q, cos, sin, trans, rc);
    });
    const Tensor k = b.run("rotaryembeddingllamafusedqk_k", "rotary_embedding_llama", [&] {
        return ops::rotary_embedding_llama(heads_in.k, cos, sin, trans, rc);
    });
    // The new K and V rows into the cache at kv_len (TT-NN's fused K+V update: two programs).
    const Tensor& k_cache = b.kept().at("k_cache");
    const Tensor& v_cache = b.kept().at("v_cache");
    b.run("pagedupdatecache", "update_cache", [&] {
        ops::update_cache(k_cache, k, pos);
        return 0;
    });
    b.run("pagedupdatecache_v", "update_cache", [&] {
        ops::update_cache(v_cache, heads_in.v, pos);
        return 0;
    });
    const Tensor attn = b.run("sdpa", "scaled_dot_product_attention_decode",
                              [&] { return ops::sdpa_decode(q, k_cache, v_cache, pos); });
    const Tensor heads_dram = b.run("concatheads", "nlp_concat_heads_decode",
                                    [&] { return ops::nlp_concat_heads_decode(attn); });
    // TT-NN reshards SDPA's output to height-sharded heads before the concat, which writes WO's
    // width-sharded input; here the concat reads and writes interleaved, so the one reshard
    // comes after it.
    const Tensor heads = move(b, "reshard_attn", heads_dram, concat_mem);
    return finish_decode(b, m, s, p, x, xn, heads);
}

}  // namespace tensim::models::detail
