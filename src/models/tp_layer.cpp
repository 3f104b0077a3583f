// One tensor-parallel decoder layer over a chain of chips (tensim/models/tp.hpp): the split, each
// chip's shard of the decode / prefill op sequence (the ops of decode.cpp / prefill.cpp on the
// chip's heads and widths) and the collectives between them, and the check of the gathered
// output against the single-chip fp64 reference (models/reference.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>

#include "models/layer_internal.hpp"
#include "models/reference.hpp"
#include "tensim/models/tp.hpp"
#include "tensim/ops/ccl.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/eltwise.hpp"
#include "tensim/ops/kv_cache.hpp"
#include "tensim/ops/nlp_heads.hpp"
#include "tensim/ops/norm.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"
#include "tensim/ops/sdpa.hpp"
#include "tensim/ops/sdpa_decode.hpp"

namespace tensim::models {

using tt::tt_metal::IDevice;

std::string TpSplit::describe() const {
    return fmt::format(
        "TP={} ({}): per chip {} Q / {} KV heads, residual {} wide, MLP {} wide; WO {}", tp,
        fabric::topology_name(topology), q_heads, kv_heads, hidden, intermediate,
        fused_wo ? "all-gather + column-parallel" : "row-parallel + reduce-scatter");
}

TpSplit tp_split(const ModelConfig& m, uint32_t tp) {
    auto need = [&](bool ok, const std::string& what) {
        if (!ok)
            throw std::invalid_argument(
                fmt::format("{} cannot be split over {} chips: {}", m.name, tp, what));
    };
    need(tp >= 2, "tensor parallelism needs at least 2 chips");
    need(m.gated_mlp && !m.parallel_attn && m.norm == Norm::rms_norm,
         "only Llama-family layers (RMSNorm, gated MLP) are split");
    need(m.num_attention_heads % tp == 0, "query heads not divisible");
    need(m.num_key_value_heads % tp == 0,
         "KV heads not divisible (tt_transformers replicates them; not built)");
    need(m.hidden_size % (32 * tp) == 0, "hidden width not whole tiles per chip");
    need(m.intermediate_size % (32 * tp) == 0, "MLP width not whole tiles per chip");
    TpSplit s;
    s.tp = tp;
    s.q_heads = m.num_attention_heads / tp;
    s.kv_heads = m.num_key_value_heads / tp;
    s.hidden = m.hidden_size / tp;
    s.intermediate = m.intermediate_size / tp;
    // model_config.py: USE_FUSED_ALL_GATHER_MATMUL on 8 devices when each chip's residual tiles
    // split evenly over 8 (its 8x1 matmul grid); the ring topology on 8 devices.
    s.fused_wo = tp == 8 && (m.hidden_size / 32 / tp) % tp == 0;
    s.topology = tp == 8 ? fabric::Topology::ring : fabric::Topology::line;
    return s;
}

namespace {

using detail::LayerBuilder;
using ops::DType;
using ops::MemoryConfig;
using ops::Shape;
using ops::Tensor;

// The chips of one layer run: a builder per simulated chip (chip 0 records into the reported
// run, the others into scratch runs), the full host values of every weight (values mode), and
// the split.
struct Mesh {
    std::vector<IDevice*> chain;
    const ModelConfig& m;
    const LayerShape& s;
    const LayerPrecision& p;
    TpSplit split;
    LayerRun& run;
    std::deque<LayerRun> scratch;
    std::vector<std::unique_ptr<LayerBuilder>> b;
    size_t sim = 1;  // chips whose ops are simulated
    bool values = false;
    uint32_t seed = 0, draws = 0;
    std::map<std::string, std::vector<float>> full;  // host values by name (values mode)

    bool decode() const { return s.mode == Mode::decode; }
    uint32_t rows() const { return decode() ? s.batch : s.seq_len; }

    // Full host values of `name` (n values uniform in [-scale, scale)), drawn once.
    const std::vector<float>& host(const std::string& name, size_t n, float scale) {
        auto it = full.find(name);
        if (it != full.end()) return it->second;
        std::mt19937 rng(seed * 7919u + 1000003u + draws++);
        std::uniform_real_distribution<float> d(-scale, scale);
        std::vector<float> v(n);
        for (float& x : v) x = d(rng);
        return full.emplace(name, std::move(v)).first->second;
    }
};

// Rows r0.. of each batch of a [batch, rows, cols] host tensor, columns c0 .. c0 + nc.
std::vector<float> cols_of(const std::vector<float>& v, size_t rows, size_t cols, size_t c0,
                           size_t nc) {
    std::vector<float> o(rows * nc);
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < nc; ++c) o[r * nc + c] = v[r * cols + c0 + c];
    return o;
}

// A tensor on chip c with `data` (values mode) or allocated.
Tensor make(Mesh& M, size_t c, const Shape& shape, DType dt, const MemoryConfig& mem,
            const std::vector<float>& data) {
    if (!M.values) return Tensor::allocate(M.chain[c], shape, dt, mem);
    return Tensor::from_host(M.chain[c], data, shape, dt, mem);
}

// ---- the per-chip ops (as decode.cpp / prefill.cpp) -------------------------------------------

MemoryConfig sharded_or_l1(LayerBuilder& b, const MemoryConfig& want, uint32_t rows, uint32_t k,
                           uint32_t n, const MatmulFormat& f) {
    try {
        (void)ops::plan_matmul(
            b.device(),
            {{1, rows, k},
             {1, k, n},
             DType::bfloat16,
             f.weight,
             want,
             ops::parse_memory_config("dram_sharded"),
             false},
            detail::matmul_config(f, ops::parse_memory_config("l1_width_sharded")));
        return want;
    } catch (const std::invalid_argument&) {
        return MemoryConfig::l1_interleaved();
    }
}

Tensor move(LayerBuilder& b, const std::string& label, const Tensor& x, const MemoryConfig& mem) {
    if (describe(x.memory_config()) == describe(mem)) return x;
    return b.run(label, "to_memory_config", [&] { return ops::to_memory_config(x, mem); });
}

// A weight matmul of chip c: its shard `w_host` ([k, n]) placed where the plan reads it
// (DRAM-sharded in decode, interleaved in prefill).
// A fused bias (`bias_host`, [1, n]) is placed in DRAM, as TT-NN keeps Qwen2's QKV bias.
Tensor weight_matmul(Mesh& M, size_t c, const std::string& label, const Tensor& a,
                     const std::vector<float>& w_host, uint32_t n, const MatmulFormat& f,
                     const std::optional<std::vector<float>>& bias_host = std::nullopt) {
    LayerBuilder& b = *M.b[c];
    const uint32_t k = a.shape().cols;
    const MemoryConfig wmem =
        M.decode() ? ops::parse_memory_config("dram_sharded") : MemoryConfig::dram_interleaved();
    auto cfg = detail::matmul_config(f, M.decode() ? ops::parse_memory_config("l1_width_sharded")
                                                   : MemoryConfig::dram_interleaved());
    if (bias_host)
        cfg.bias =
            make(M, c, {1, 1, n}, DType::bfloat16, MemoryConfig::dram_interleaved(), *bias_host);
    const ops::MatmulPlan plan = ops::plan_matmul(
        b.device(), {a.shape(), {1, k, n}, a.dtype(), f.weight, a.memory_config(), wmem, true},
        cfg);
    const Tensor w = make(M, c, {1, k, n}, f.weight, plan.b_mem, w_host);
    return b.matmul(label, a, w, cfg);
}

Tensor rms(Mesh& M, LayerBuilder& b, const std::string& label, const Tensor& x, const Tensor& gamma,
           std::optional<MemoryConfig> out) {
    ops::NormConfig cfg;
    cfg.epsilon = float(M.m.norm_eps);
    cfg.out_mem = out;
    return b.run(label, "rms_norm", [&] { return ops::rms_norm(x, gamma, std::nullopt, cfg); });
}

const std::vector<float> kNone;

// Chip c's weight shards, cut from the full host weights in the reference's layout.
struct Shards {
    Mesh& M;
    size_t c;
    // Columns [c*n, (c+1)*n) of a [k, N] weight.
    std::vector<float> cols(const std::string& name, size_t k, size_t N, size_t n) {
        if (!M.values) return {};
        const auto& f = M.host(name, k * N, float(1.0 / std::sqrt(double(k))));
        return cols_of(f, k, N, c * n, n);
    }
    // Rows [c*k, (c+1)*k) of a [K, n] weight (scaled as the whole K).
    std::vector<float> rows(const std::string& name, size_t K, size_t k, size_t n) {
        if (!M.values) return {};
        const auto& f = M.host(name, K * n, float(1.0 / std::sqrt(double(K))));
        return std::vector<float>(f.begin() + long(c * k * n), f.begin() + long((c + 1) * k * n));
    }
    // The fused QKV columns of this chip's heads: its Q heads, then its K and V heads, of the
    // [hidden, W] weight or (bias) of Qwen2's [1, W] QKV bias.
    std::vector<float> qkv(bool bias = false) {
        if (!M.values) return {};
        const ModelConfig& m = M.m;
        const size_t H = bias ? 1 : m.hidden_size, W = m.qkv_width(), hd = m.head_dim;
        const auto& f = bias ? M.host("bqkv", W, 1.0f)
                             : M.host("wqkv", H * W, float(1.0 / std::sqrt(double(H))));
        const size_t q = M.split.q_heads * hd, kv = M.split.kv_heads * hd;
        const auto a = cols_of(f, H, W, c * q, q);
        const auto k = cols_of(f, H, W, m.q_width() + c * kv, kv);
        const auto v = cols_of(f, H, W, m.q_width() + m.kv_width() + c * kv, kv);
        std::vector<float> o(H * (q + 2 * kv));
        for (size_t r = 0; r < H; ++r) {
            std::copy_n(&a[r * q], q, &o[r * (q + 2 * kv)]);
            std::copy_n(&k[r * kv], kv, &o[r * (q + 2 * kv) + q]);
            std::copy_n(&v[r * kv], kv, &o[r * (q + 2 * kv) + q + kv]);
        }
        return o;
    }
    // This chip's KV heads of a [users x n_kv, len, hd] cache.
    std::vector<float> cache(const std::string& name, size_t users, size_t len) {
        if (!M.values) return {};
        const ModelConfig& m = M.m;
        const size_t nkv = m.num_key_value_heads, kvc = M.split.kv_heads, row = len * m.head_dim;
        const auto& f = M.host(name, users * nkv * row, 1.0f);
        std::vector<float> o(users * kvc * row);
        for (size_t u = 0; u < users; ++u)
            for (size_t g = 0; g < kvc; ++g)
                std::copy_n(&f[(u * nkv + c * kvc + g) * row], row, &o[(u * kvc + g) * row]);
        return o;
    }
};

// Attention of chip c from the gathered layer input [1, rows, H] to its concatenated heads
// [1, rows, q_heads x head_dim] (DRAM-interleaved).
Tensor attention(Mesh& M, size_t c, const Tensor& xg) {
    LayerBuilder& b = *M.b[c];
    const ModelConfig& m = M.m;
    const LayerPrecision& p = M.p;
    auto* dev = b.device();
    Shards sh{M, c};
    const uint32_t R = M.rows(), H = m.hidden_size, hd = m.head_dim;
    const uint32_t nq = M.split.q_heads, nkv = M.split.kv_heads;
    const uint32_t qkv_w = (nq + 2 * nkv) * hd;
    const auto qkv_bias =
        m.qkv_bias ? std::optional<std::vector<float>>(sh.qkv(true)) : std::nullopt;
    const MemoryConfig dram = MemoryConfig::dram_interleaved();
    const Tensor g0 =
        make(M, c, {1, 1, H}, DType::bfloat16, dram, M.values ? M.host("norm_0", H, 1.0f) : kNone);
    ops::HeadsConfig hc;
    hc.n_q_heads = nq, hc.n_kv_heads = nkv, hc.head_dim = hd;
    const Tensor trans = detail::rope_transformation(b);
    if (M.decode()) {
        const uint32_t cache_len = (M.s.kv_len + 1 + 31) / 32 * 32;
        const Tensor kc = make(M, c, {R * nkv, cache_len, hd}, p.kv_cache, dram,
                               sh.cache("k_cache", R, cache_len));
        const Tensor vc = make(M, c, {R * nkv, cache_len, hd}, p.kv_cache, dram,
                               sh.cache("v_cache", R, cache_len));
        const MemoryConfig residual = detail::width_sharded_l1(dev, R, H, detail::kResidualCores);
        const Tensor xs = move(b, "reshard_ag_0", xg, residual);
        const Tensor xn =
            rms(M, b, "rms_0", xs, g0, sharded_or_l1(b, residual, R, H, qkv_w, p.qkv));
        const Tensor qkv = weight_matmul(M, c, "qkv_mm", xn, sh.qkv(), qkv_w, p.qkv, qkv_bias);
        const Tensor qkv_i = b.run("sharded_to_interleaved", "sharded_to_interleaved",
                                   [&] { return ops::sharded_to_interleaved(qkv, dram); });
        const ops::QkvHeads h = b.run("createqkvheads", "nlp_create_qkv_heads_decode",
                                      [&] { return ops::nlp_create_qkv_heads_decode(qkv_i, hc); });
        const std::vector<uint32_t> pos(R, M.s.kv_len);
        const Tensor cos = detail::rope_table(b, m, pos, false, {R, 1, hd});
        const Tensor sin = detail::rope_table(b, m, pos, true, {R, 1, hd});
        ops::RotaryConfig rc;
        rc.decode = true;
        const Tensor q = b.run("rotaryembeddingllamafusedqk", "rotary_embedding_llama", [&] {
            return ops::rotary_embedding_llama(h.q, cos, sin, trans, rc);
        });
        const Tensor k = b.run("rotaryembeddingllamafusedqk_k", "rotary_embedding_llama", [&] {
            return ops::rotary_embedding_llama(h.k, cos, sin, trans, rc);
        });
        b.run("pagedupdatecache", "update_cache", [&] {
            ops::update_cache(kc, k, pos);
            return 0;
        });
        b.run("pagedupdatecache_v", "update_cache", [&] {
            ops::update_cache(vc, h.v, pos);
            return 0;
        });
        const Tensor attn = b.run("sdpa", "scaled_dot_product_attention_decode",
                                  [&] { return ops::sdpa_decode(q, kc, vc, pos); });
        return b.run("concatheads", "nlp_concat_heads_decode",
                     [&] { return ops::nlp_concat_heads_decode(attn); });
    }
    const Tensor kc = make(M, c, {nkv, R, hd}, p.kv_cache, dram, sh.cache("k_cache", 1, R));
    const Tensor vc = make(M, c, {nkv, R, hd}, p.kv_cache, dram, sh.cache("v_cache", 1, R));
    const Tensor xn = rms(M, b, "rms_0", xg, g0, std::nullopt);
    const Tensor qkv = weight_matmul(M, c, "qkv_mm", xn, sh.qkv(), qkv_w, p.qkv, qkv_bias);
    const ops::QkvHeads h = b.run("createqkvheads", "nlp_create_qkv_heads",
                                  [&] { return ops::nlp_create_qkv_heads(qkv, hc); });
    std::vector<uint32_t> pos(R);
    for (uint32_t i = 0; i < R; ++i) pos[i] = i;
    const Tensor cos = detail::rope_table(b, m, pos, false, {1, R, hd});
    const Tensor sin = detail::rope_table(b, m, pos, true, {1, R, hd});
    const Tensor qr = b.run("rotary_q", "rotary_embedding_llama",
                            [&] { return ops::rotary_embedding_llama(h.q, cos, sin, trans); });
    const Tensor kr = b.run("rotary_k", "rotary_embedding_llama",
                            [&] { return ops::rotary_embedding_llama(h.k, cos, sin, trans); });
    const Tensor k8 =
        b.run("typecast_k", "typecast", [&] { return ops::typecast(kr, p.kv_cache, dram); });
    const Tensor v8 =
        b.run("typecast_v", "typecast", [&] { return ops::typecast(h.v, p.kv_cache, dram); });
    b.run("fillcache_k", "fill_cache", [&] {
        ops::fill_cache(kc, k8, 0);
        return 0;
    });
    b.run("fillcache_v", "fill_cache", [&] {
        ops::fill_cache(vc, v8, 0);
        return 0;
    });
    ops::SdpaConfig sc;
    sc.n_q_heads = nq, sc.n_kv_heads = nkv;
    const Tensor attn =
        b.run("sdpa", "scaled_dot_product_attention", [&] { return ops::sdpa(qr, k8, v8, sc); });
    return b.run("concatheads", "nlp_concat_heads",
                 [&] { return ops::nlp_concat_heads(attn, nq); });
}

// The interleaved memory the collectives carry activations in: L1 in decode, DRAM in prefill.
MemoryConfig ccl_mem(const Mesh& M) {
    return M.decode() ? MemoryConfig::l1_interleaved() : MemoryConfig::dram_interleaved();
}

// WO of chip c on `heads` (fused: the gathered [rows, q_width]; else its own heads): the
// fractured [rows, H/tp] (fused) or the partial sums [rows, H], interleaved for the CCLs.
Tensor output_projection(Mesh& M, size_t c, const Tensor& heads) {
    LayerBuilder& b = *M.b[c];
    Shards sh{M, c};
    const ModelConfig& m = M.m;
    const uint32_t R = M.rows(), k = heads.shape().cols;
    const uint32_t n = M.split.fused_wo ? M.split.hidden : m.hidden_size;
    const std::vector<float> w = M.split.fused_wo ? sh.cols("wo", m.q_width(), m.hidden_size, n)
                                                  : sh.rows("wo", m.q_width(), k, n);
    Tensor a = heads;
    if (M.decode())
        a = move(
            b, "reshard_attn", heads,
            sharded_or_l1(b, detail::width_sharded_l1(b.device(), R, k, detail::kResidualCores), R,
                          k, n, M.p.wo));
    const Tensor o = weight_matmul(M, c, "wo_mm", a, w, n, M.p.wo);
    return M.decode() ? move(b, "reshard_wo", o, ccl_mem(M)) : o;
}

// The MLP of chip c on the gathered [rows, H]: partial sums [rows, H] of its FF2 rows.
Tensor mlp(Mesh& M, size_t c, const Tensor& hg) {
    LayerBuilder& b = *M.b[c];
    Shards sh{M, c};
    const ModelConfig& m = M.m;
    const LayerPrecision& p = M.p;
    auto* dev = b.device();
    const uint32_t R = M.rows(), H = m.hidden_size, I = m.intermediate_size;
    const uint32_t Ic = M.split.intermediate;
    const Tensor g1 = make(M, c, {1, 1, H}, DType::bfloat16, MemoryConfig::dram_interleaved(),
                           M.values ? M.host("norm_1", H, 1.0f) : kNone);
    Tensor x;
    if (M.decode()) {
        const Tensor xs = move(b, "reshard_ag_1", hg,
                               detail::width_sharded_l1(dev, R, H, detail::kResidualCores));
        x = rms(M, b, "rms_1", xs, g1,
                sharded_or_l1(b, detail::width_sharded_l1(dev, R, H, detail::kMlpCores), R, H, Ic,
                              p.ff1));
    } else {
        x = rms(M, b, "rms_1", hg, g1, std::nullopt);
    }
    const Tensor a1 = weight_matmul(M, c, "ff1_mm", x, sh.cols("w1", H, I, Ic), Ic, p.ff1);
    const Tensor a3 = weight_matmul(M, c, "ff3_mm", x, sh.cols("w3", H, I, Ic), Ic, p.ff3);
    ops::BinaryConfig silu;
    silu.input_a_activation = "silu";
    silu.out_dtype = p.ff2_input;
    // Decode: the SiLU x mul on the MLP's cores, in FF2's input config (as decode.cpp).
    std::optional<MemoryConfig> ff2_in;
    if (M.decode())
        ff2_in = sharded_or_l1(b, detail::width_sharded_l1(dev, R, Ic, detail::kMlpCores), R, Ic, H,
                               p.ff2);
    const Tensor a1m = ff2_in ? move(b, "reshard_ff1", a1, *ff2_in) : a1;
    const Tensor a3m = ff2_in ? move(b, "reshard_ff3", a3, *ff2_in) : a3;
    Tensor ff = b.run("binary_mult_silu", "mul", [&] { return ops::mul(a1m, a3m, silu); });
    if (ff2_in) ff = move(b, "reshard_ff2_in", ff, *ff2_in);
    const Tensor down = weight_matmul(M, c, "ff2_mm", ff, sh.rows("w2", I, Ic, H), H, p.ff2);
    return M.decode() ? move(b, "reshard_ff2", down, ccl_mem(M)) : down;
}

// ---- the collectives ---------------------------------------------------------------------------

// Runs `op` over the chain on the simulated chips' tensors (the others' allocated alike) and
// records it as `label` (TT-NN's op code, lower case, and where it sits).
std::vector<Tensor> collective(Mesh& M, const std::string& label, ops::CclOp op,
                               std::vector<Tensor> in) {
    for (size_t c = in.size(); c < M.chain.size(); ++c)
        in.push_back(
            Tensor::allocate(M.chain[c], in[0].shape(), in[0].dtype(), in[0].memory_config()));
    ops::CclConfig cfg;
    cfg.topology = M.split.topology;
    cfg.num_links = 1;  // tt_transformers' ccl.py: num_links=1 on T3K and n300
    cfg.out_mem = ccl_mem(M);
    ops::CclPlan plan;
    auto out = op == ops::CclOp::all_gather ? ops::all_gather(in, cfg, &plan)
                                            : ops::reduce_scatter(in, cfg, &plan);
    const char* ttnn =
        op == ops::CclOp::all_gather ? "all_gather_async" : "reduce_scatter_minimal_async";
    OpRecord r{.label = label, .op = ttnn, .program = plan.describe()};
    r.cores = plan.workers_per_chip;
    r.device_us = plan.device_time_us;
    r.bound = "fabric";
    M.run.ops.push_back(r);
    M.run.device_us += r.device_us;
    out.resize(M.sim);
    return out;
}

template <typename Fn>
std::vector<Tensor> each(Mesh& M, Fn&& fn) {
    std::vector<Tensor> out;
    for (size_t c = 0; c < M.sim; ++c) out.push_back(fn(c));
    return out;
}

Tensor add(Mesh& M, size_t c, const std::string& label, const Tensor& x, const Tensor& y) {
    return M.b[c]->run(label, "add", [&] { return ops::add(x, y); });
}

// The gathered output checked against reference_layer with the full (quantised) weights.
double check(Mesh& M, const std::vector<Tensor>& x, const std::vector<Tensor>& y) {
    const ModelConfig& m = M.m;
    const size_t R = M.rows(), H = m.hidden_size, Hc = M.split.hidden;
    auto quantised = [&](const std::string& name, DType dt) {
        const auto& v = M.full.at(name);
        return Tensor::from_host(M.chain[0], v, {1, 1, uint32_t(v.size())}, dt,
                                 MemoryConfig::dram_interleaved())
            .to_host();
    };
    // bfloat8_b shares exponents within 16 values of a tile row; the shards cut whole tiles, so
    // quantising each full matrix as one [k, n] tensor gives the shards' values.
    auto quantised2 = [&](const std::string& name, uint32_t k, uint32_t n, DType dt) {
        return Tensor::from_host(M.chain[0], M.full.at(name), {1, k, n}, dt,
                                 MemoryConfig::dram_interleaved())
            .to_host();
    };
    std::map<std::string, std::vector<float>> t;
    t["norm_0"] = quantised("norm_0", DType::bfloat16);
    t["norm_1"] = quantised("norm_1", DType::bfloat16);
    t["wqkv"] = quantised2("wqkv", H, m.qkv_width(), M.p.qkv.weight);
    if (m.qkv_bias) t["bqkv"] = quantised("bqkv", DType::bfloat16);
    t["wo"] = quantised2("wo", m.q_width(), H, M.p.wo.weight);
    t["w1"] = quantised2("w1", H, m.intermediate_size, M.p.ff1.weight);
    t["w3"] = quantised2("w3", H, m.intermediate_size, M.p.ff3.weight);
    t["w2"] = quantised2("w2", m.intermediate_size, H, M.p.ff2.weight);
    const size_t len = M.decode() ? (M.s.kv_len + 1 + 31) / 32 * 32 : R;
    const uint32_t crow = uint32_t(len * m.head_dim);
    const uint32_t users = M.decode() ? uint32_t(R) : 1u;
    // Prefill attends to its own tokens only: the cache it fills is not read.
    for (const char* name : {"k_cache", "v_cache"})
        t[name] = M.decode() ? quantised2(name, users * m.num_key_value_heads, crow, M.p.kv_cache)
                             : M.full.at(name);
    std::vector<float> xf(R * H), yf(R * H);
    for (size_t c = 0; c < M.sim; ++c) {
        const auto xs = x[c].to_host(), ys = y[c].to_host();
        for (size_t r = 0; r < R; ++r)
            for (size_t j = 0; j < Hc; ++j)
                xf[r * H + c * Hc + j] = xs[r * Hc + j], yf[r * H + c * Hc + j] = ys[r * Hc + j];
    }
    return pcc(reference_layer(m, M.s, t, xf), yf);
}

}  // namespace

LayerRun run_tp_layer(const std::vector<IDevice*>& chain, const ModelConfig& model,
                      const LayerShape& shape, const LayerPrecision& precision,
                      const LayerOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    LayerRun run{.shape = shape};
    Mesh M{.chain = chain, .m = model, .s = shape, .p = precision, .run = run};
    M.split = tp_split(model, uint32_t(chain.size()));
    if (shape.tp != chain.size())
        throw std::invalid_argument(
            fmt::format("tp={} on a chain of {} chips", shape.tp, chain.size()));
    M.values = tensim::numerics_mode_name() != "timing";
    M.sim = M.values ? chain.size() : 1;
    M.seed = options.seed;
    for (size_t c = 0; c < M.sim; ++c) {
        LayerRun& r = c == 0 ? run : M.scratch.emplace_back();
        M.b.push_back(std::make_unique<LayerBuilder>(chain[c], options, r));
    }
    const bool decode = shape.mode == Mode::decode;
    if (decode && (shape.batch == 0 || shape.batch > 32))
        throw std::invalid_argument(
            fmt::format("decode batch {}: 1 to 32 users (one tile of rows)", shape.batch));
    if (!decode && (shape.seq_len == 0 || shape.seq_len % 32))
        throw std::invalid_argument(
            fmt::format("prefill seq_len {}: a positive multiple of 32", shape.seq_len));
    const uint32_t R = M.rows(), H = model.hidden_size, Hc = M.split.hidden;

    // The fractured residual: chip c holds columns [c*Hc, (c+1)*Hc).
    const std::vector<Tensor> x = each(M, [&](size_t c) {
        return make(M, c, {1, R, Hc}, DType::bfloat16, ccl_mem(M),
                    M.values ? cols_of(M.host("x", size_t(R) * H, 1.0f), R, H, c * Hc, Hc) : kNone);
    });
    const auto xg = collective(M, "allgatherasync_0", ops::CclOp::all_gather, x);
    const auto heads = each(M, [&](size_t c) { return attention(M, c, xg[c]); });
    std::vector<Tensor> o;
    if (M.split.fused_wo) {
        // all_gather_matmul_async: the gather, then WO on the gathered heads.
        const auto hg = collective(M, "allgathermatmulasync_do", ops::CclOp::all_gather, heads);
        o = each(M, [&](size_t c) { return output_projection(M, c, hg[c]); });
    } else {
        o = collective(M, "reducescatter_do", ops::CclOp::reduce_scatter,
                       each(M, [&](size_t c) { return output_projection(M, c, heads[c]); }));
    }
    const auto h1 = each(M, [&](size_t c) { return add(M, c, "add_0", x[c], o[c]); });
    const auto h1g = collective(M, "allgatherasync_1", ops::CclOp::all_gather, h1);
    const auto down = collective(M, "reducescatter_ff2", ops::CclOp::reduce_scatter,
                                 each(M, [&](size_t c) { return mlp(M, c, h1g[c]); }));
    const auto y = each(M, [&](size_t c) { return add(M, c, "add_1", h1[c], down[c]); });

    for (auto& r : run.ops) r.share = run.device_us > 0 ? r.device_us / run.device_us : 0.0;
    if (options.check_pcc && M.values && run.complete()) run.pcc = check(M, x, y);
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return run;
}

}  // namespace tensim::models
