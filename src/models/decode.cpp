// The decode form of a decoder layer: B users, one token each, the op sequence of
// tt_transformers' decoder.py / attention.py forward_decode / mlp.py (llm_layers.md 1.3).
// Activations live in L1, width-sharded (the residual stream on 32 cores, the MLP on 64);
// weights are DRAM-sharded over the 12 banks and streamed once per token by the DRAM-sharded
// matmul. Each op not in tensim::ops yet is one `b.missing(...)` line below: wiring it is
// replacing that line with the op's call inside `b.run(label, op, [&] { return ...; })`.
#include <fmt/format.h>

#include <stdexcept>

#include "models/layer_internal.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/eltwise.hpp"
#include "tensim/ops/norm.hpp"

namespace tensim::models::detail {

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Shape;
using ops::Tensor;

// [users, heads padded to a tile, head_dim], one user per core (nlp_create_qkv_heads_decode's
// height-sharded output).
MemoryConfig heads_mem(tt::tt_metal::IDevice* device, uint32_t users, uint32_t head_dim) {
    const CoreCoord g = device->compute_with_storage_grid_size();
    const uint32_t gx = uint32_t(g.x), full = users / gx, rest = users % gx;
    std::vector<CoreRange> r;
    if (users <= gx) {
        r.emplace_back(CoreCoord{0, 0}, CoreCoord{users - 1, 0});
    } else {
        r.emplace_back(CoreCoord{0, 0}, CoreCoord{gx - 1, full - 1});
        if (rest) r.emplace_back(CoreCoord{0, full}, CoreCoord{rest - 1, full});
    }
    return MemoryConfig::l1_sharded(ops::MemLayout::height_sharded, CoreRangeSet(r),
                                    {1, (head_dim + 31) / 32});
}

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
                     const Tensor& a, uint32_t n, const MatmulFormat& f) {
    const auto cfg = matmul_config(f, ops::parse_memory_config("l1_width_sharded"));
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

}  // namespace

Tensor decode_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                    const LayerPrecision& p, const Tensor& x) {
    auto* dev = b.device();
    const uint32_t B = s.batch, H = m.hidden_size, I = m.intermediate_size, hd = m.head_dim;
    const uint32_t qkv_w = m.qkv_width(), q_w = m.q_width();
    const uint32_t nq_pad = (m.num_attention_heads + 31) / 32 * 32;
    const uint32_t nkv_pad = (m.num_key_value_heads + 31) / 32 * 32;
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
    Tensor qkv = weight_matmul(b, "qkv_mm", "wqkv", xn, qkv_w, p.qkv);
    if (m.qkv_bias)
        qkv = b.missing("qkv_bias", "matmul with fused bias", kMmStream, {1, B, qkv_w},
                        DType::bfloat16, qkv.memory_config());
    const Tensor qkv_i = b.run("sharded_to_interleaved", "sharded_to_interleaved", [&] {
        return ops::sharded_to_interleaved(qkv, MemoryConfig::l1_interleaved());
    });
    (void)qkv_i;
    const MemoryConfig hm = heads_mem(dev, B, hd);
    Tensor q = b.missing("createqkvheads", "nlp_create_qkv_heads_decode", kAttnStream,
                         {B, nq_pad, hd}, DType::bfloat16, hm);
    Tensor k = ops::Tensor::allocate(dev, {B, nkv_pad, hd}, DType::bfloat16, hm);
    const Tensor v = ops::Tensor::allocate(dev, {B, nkv_pad, hd}, DType::bfloat16, hm);
    q = b.missing("rotaryembeddingllamafusedqk", "rotary_embedding_llama_fused_qk", kAttnStream,
                  {B, nq_pad, hd}, DType::bfloat16, hm);
    (void)k, (void)v;
    (void)b.missing("pagedupdatecache", "paged_fused_update_cache", kAttnStream, {1, 32, 32},
                    DType::bfloat16, MemoryConfig::l1_interleaved());
    const Tensor attn =
        b.missing("sdpa", "scaled_dot_product_attention_decode", kAttnStream, {B, nq_pad, hd},
                  DType::bfloat16, MemoryConfig::dram_interleaved());
    (void)move(b, "reshard_attn", attn, hm);
    const MemoryConfig concat_mem =
        matmul_input(b, width_sharded_l1(dev, B, q_w, kResidualCores), B, q_w, H, p.wo);
    const Tensor heads = b.missing("concatheads", "nlp_concat_heads_decode", kAttnStream,
                                   {1, B, q_w}, DType::bfloat16, concat_mem);
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
        ff = b.run("binary_mult_silu", "mul", [&] { return ops::mul(a1, a3, silu); });
        ff = move(b, "reshard_ff2_in", ff, ff2_in);
    } else {
        const Tensor a1 = weight_matmul(b, "ff1_mm", "w1", mlp_x, I, p.ff1);
        (void)a1;
        ff = b.missing("ff1_gelu", "matmul with fused GELU", kMmStream, {1, B, I}, p.ff2_input,
                       ff2_in);
    }
    const Tensor down = weight_matmul(b, "ff2_mm", "w2", ff, H, p.ff2);
    const Tensor down_res = move(b, "reshard_ff2", down, residual);
    if (m.parallel_attn) return add(b, "add_1", x, add(b, "add_0", o_res, down_res));
    return add(b, "add_1", h1, down_res);
}

}  // namespace tensim::models::detail
