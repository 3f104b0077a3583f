// One decoder layer (tensim/models/layer.hpp): the op recorder, the placement rules and the
// precision presets; the op sequences are in decode.cpp and prefill.cpp.
#include "tensim/models/layer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <stdexcept>

#include "host/device_impl.hpp"
#include "models/layer_internal.hpp"
#include "models/reference.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"

namespace tensim::models {

std::string mode_name(Mode m) { return m == Mode::decode ? "decode" : "prefill"; }

Mode parse_mode(const std::string& s) {
    if (s == "decode") return Mode::decode;
    if (s == "prefill") return Mode::prefill;
    throw std::invalid_argument(fmt::format("mode '{}': expected decode or prefill", s));
}

MissingOpError::MissingOpError(const std::string& label, const std::string& op,
                               const std::string& who)
    : Error(fmt::format("op {} ({}) is not in tensim::ops yet; {} builds it", label, op, who)),
      m_label(label),
      m_op(op) {}

// ---- precision -------------------------------------------------------------------------------

LayerPrecision performance_precision(const ModelConfig& m, uint32_t layer_index) {
    LayerPrecision p;
    const MatmulFormat bfp8{ops::DType::bfloat8_b, MathFidelity::HiFi2};
    MatmulFormat bfp4{ops::DType::bfloat4_b, MathFidelity::LoFi};
    p.qkv = p.wo = p.ff2 = bfp8;
    p.ff1 = p.ff3 = bfp4;
    // tt_transformers' performance_decoder_config.json for Llama-3.1-8B: the last layer keeps
    // bfloat8_b FF1/FF3 (llm_layers.md 1.2).
    if (m.name == "llama-3.1-8b" && layer_index + 1 == m.num_hidden_layers) p.ff1 = p.ff3 = bfp8;
    return p;
}

MatmulFormat lm_head_format(const ModelConfig&) {
    return {ops::DType::bfloat8_b, MathFidelity::HiFi2};
}

std::string LayerPrecision::describe() const {
    auto f = [](const MatmulFormat& x) {
        return fmt::format("{}/{}", ops::dtype_name(x.weight), ops::fidelity_name(x.fidelity));
    };
    return fmt::format("QKV {}, WO {}, FF1 {}, FF3 {}, FF2 {}, KV cache {}", f(qkv), f(wo), f(ff1),
                       f(ff3), f(ff2), ops::dtype_name(kv_cache));
}

namespace detail {

// ---- the recorder ----------------------------------------------------------------------------

LayerBuilder::LayerBuilder(tt::tt_metal::IDevice* device, const LayerOptions& options,
                           LayerRun& run)
    : m_device(device), m_opt(options), m_run(run) {
    m_values = tensim::numerics_mode_name() != "timing";
    if (m_opt.missing == MissingOps::skip && m_values)
        throw std::invalid_argument(
            "skipping missing ops leaves tensors without values: only in timing numerics");
}

ops::Tensor LayerBuilder::random(const ops::Shape& shape, ops::DType dtype,
                                 const ops::MemoryConfig& mem, float scale) {
    const uint32_t draw = m_draws++;
    if (!m_values) return ops::Tensor::allocate(m_device, shape, dtype, mem);
    std::mt19937 rng(m_opt.seed * 7919u + draw);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(size_t(shape.batch) * shape.rows * shape.cols);
    for (float& x : v) x = dist(rng);
    return ops::Tensor::from_host(m_device, v, shape, dtype, mem);
}

ops::Tensor LayerBuilder::matmul(const std::string& label, const ops::Tensor& a,
                                 const ops::Tensor& b, const ops::MatmulConfig& cfg) {
    ops::MatmulPlan plan;
    ops::Tensor out = ops::matmul(a, b, cfg, &plan);
    record(label, "matmul", plan.describe());
    return out;
}

ops::Tensor LayerBuilder::missing(const std::string& label, const std::string& op,
                                  const std::string& who, const ops::Shape& shape, ops::DType dtype,
                                  const ops::MemoryConfig& mem) {
    if (m_opt.missing == MissingOps::refuse) throw MissingOpError(label, op, who);
    OpRecord r{.label = label, .op = op, .program = "-", .bound = "missing", .missing = true};
    r.note = fmt::format("not built yet ({})", who);
    m_run.ops.push_back(r);
    m_run.missing.push_back(label);
    return ops::Tensor::allocate(m_device, shape, dtype, mem);
}

void LayerBuilder::record(const std::string& label, const std::string& op,
                          const std::string& plan) {
    const ProgramStats& st = tensim::last_program_stats(m_device);
    OpRecord r{.label = label, .op = op, .program = st.name};
    if (!plan.empty()) r.program += ": " + plan;
    std::set<std::pair<int, int>> cores;
    for (const auto& k : st.kernels) cores.insert({k.core_x, k.core_y});
    r.cores = uint32_t(cores.size());
    r.device_us = st.device_time_us;
    for (const auto& c : st.compute) r.fpu_util += c.fpu_utilization;
    if (!st.compute.empty()) r.fpu_util /= double(st.compute.size());
    const double dram_bytes =
        host::impl_of(*m_device).last_chip_stats().figure(stats::figure::dram_bytes);
    r.dram_gbps = st.device_time_us > 0 ? dram_bytes / (st.device_time_us * 1e3) : 0.0;
    r.bound = st.bound;
    m_run.ops.push_back(r);
    m_run.device_us += r.device_us;
}

// ---- placement -------------------------------------------------------------------------------

uint32_t sharded_cores(uint32_t tiles, uint32_t max_cores) {
    for (uint32_t n = std::min(tiles, max_cores); n > 1; --n)
        if (tiles % n == 0) return n;
    return 1;
}

ops::MemoryConfig width_sharded_l1(tt::tt_metal::IDevice* device, uint32_t rows, uint32_t cols,
                                   uint32_t max_cores) {
    const uint32_t ct = (cols + 31) / 32, rt = (rows + 31) / 32;
    const CoreCoord g = device->compute_with_storage_grid_size();
    const uint32_t gx = uint32_t(g.x), gy = uint32_t(g.y);
    // The most cores that divide the width and form one rectangle of whole grid rows (or part of
    // one row): sharded ops take a single rectangle.
    uint32_t n = 1;
    for (uint32_t c = std::min({ct, max_cores, gx * gy}); c > 1; --c)
        if (ct % c == 0 && (c <= gx || c % gx == 0)) {
            n = c;
            break;
        }
    const CoreRange r = n <= gx ? CoreRange(CoreCoord{0, 0}, CoreCoord{n - 1, 0})
                                : CoreRange(CoreCoord{0, 0}, CoreCoord{gx - 1, n / gx - 1});
    (void)gy;
    return ops::MemoryConfig::l1_sharded(ops::MemLayout::width_sharded, CoreRangeSet(r),
                                         {rt, ct / n});
}

ops::MatmulConfig matmul_config(const MatmulFormat& f, const ops::MemoryConfig& out_mem) {
    ops::MatmulConfig c;
    c.math_fidelity = f.fidelity;
    c.fp32_dest_acc = f.fp32_dest_acc;
    c.packer_l1_acc = f.packer_l1_acc;
    c.out_dtype = f.out;
    c.out_mem = out_mem;
    return c;
}

ops::Tensor weight(LayerBuilder& b, const ops::Tensor& act, uint32_t k, uint32_t n,
                   const MatmulFormat& f, const ops::MemoryConfig& weight_mem,
                   const ops::MatmulConfig& cfg) {
    const ops::Shape ws{1, k, n};
    const ops::MatmulPlan plan = ops::plan_matmul(
        b.device(), {act.shape(), ws, act.dtype(), f.weight, act.memory_config(), weight_mem, true},
        cfg);
    return b.random(ws, f.weight, plan.b_mem, float(1.0 / std::sqrt(double(k))));
}

ops::Tensor rope_table(LayerBuilder& b, const ModelConfig& m, const std::vector<uint32_t>& pos,
                       bool sine, const ops::Shape& shape) {
    const auto dram = ops::MemoryConfig::dram_interleaved();
    if (!b.values()) return ops::Tensor::allocate(b.device(), shape, ops::DType::bfloat16, dram);
    const uint32_t hd = m.head_dim;
    std::vector<float> v(pos.size() * hd);
    for (size_t r = 0; r < pos.size(); ++r)
        for (uint32_t i = 0; i < hd / 2; ++i) {
            const double a = std::pow(m.rope_theta, -2.0 * i / double(hd)) * pos[r];
            v[r * hd + 2 * i] = v[r * hd + 2 * i + 1] = float(sine ? std::sin(a) : std::cos(a));
        }
    return ops::Tensor::from_host(b.device(), v, shape, ops::DType::bfloat16, dram);
}

std::optional<ops::Tensor> qkv_bias(LayerBuilder& b, const ModelConfig& m) {
    if (!m.qkv_bias) return std::nullopt;
    const ops::Tensor bias = b.random({1, 1, m.qkv_width()}, ops::DType::bfloat16,
                                      ops::MemoryConfig::dram_interleaved(), 1.0f);
    b.keep("bqkv", bias);
    return bias;
}

ops::Tensor rope_transformation(LayerBuilder& b) {
    const auto dram = ops::MemoryConfig::dram_interleaved();
    if (!b.values())
        return ops::Tensor::allocate(b.device(), {1, 32, 32}, ops::DType::bfloat16, dram);
    return ops::Tensor::from_host(b.device(), ops::rotary_transformation_matrix(), {1, 32, 32},
                                  ops::DType::bfloat16, dram);
}

}  // namespace detail

// ---- running a layer -------------------------------------------------------------------------

LayerRun run_layer(tt::tt_metal::IDevice* device, const ModelConfig& model, const LayerShape& shape,
                   const LayerPrecision& precision, const LayerOptions& options) {
    LayerRun run{.shape = shape};
    detail::LayerBuilder b(device, options, run);
    if (shape.tp != 1)
        // Tensor parallelism adds the all-gathers / reduce-scatters of llm_layers.md 1.3-1.4.
        throw MissingOpError(fmt::format("tp={}", shape.tp), "all_gather_async / reduce_scatter",
                             detail::kMeshStream);
    const auto t0 = std::chrono::steady_clock::now();
    const uint32_t h = model.hidden_size;
    ops::Tensor x, y;
    if (shape.mode == Mode::decode) {
        if (shape.batch == 0 || shape.batch > 32)
            throw std::invalid_argument(
                fmt::format("decode batch {}: 1 to 32 users (one tile of rows)", shape.batch));
        x = b.random({1, shape.batch, h}, ops::DType::bfloat16,
                     detail::width_sharded_l1(device, shape.batch, h, detail::kResidualCores),
                     1.0f);
        y = detail::decode_layer(b, model, shape, precision, x);
    } else {
        if (shape.seq_len == 0 || shape.seq_len % 32)
            throw std::invalid_argument(
                fmt::format("prefill seq_len {}: a positive multiple of 32", shape.seq_len));
        x = b.random({1, shape.seq_len, h}, ops::DType::bfloat16,
                     ops::MemoryConfig::dram_interleaved(), 1.0f);
        y = detail::prefill_layer(b, model, shape, precision, x);
    }
    for (auto& r : run.ops) r.share = run.device_us > 0 ? r.device_us / run.device_us : 0.0;
    if (options.check_pcc && b.values() && run.complete())
        run.pcc = layer_pcc(model, shape, b.kept(), x, y);
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return run;
}

}  // namespace tensim::models
