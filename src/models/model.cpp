// A whole model step (tensim/models/model.hpp): layer groups, the head ops, the figures.
#include "tensim/models/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>

#include "models/layer_internal.hpp"
#include "tensim/ops/argmax.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/embedding.hpp"
#include "tensim/ops/norm.hpp"

namespace tensim::models {

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Tensor;

// The ops after the last layer: final norm, LM head, argmax; and the embedding before the first.
// Rows: the B users (decode) or the last tile of the prompt (prefill computes logits for its last
// token only).
void run_head(detail::LayerBuilder& b, const ModelConfig& m, const ModelOptions& o) {
    auto* dev = b.device();
    const bool decode = o.shape.mode == Mode::decode;
    const uint32_t rows = decode ? o.shape.batch : 32, H = m.hidden_size;
    const uint32_t tokens = decode ? o.shape.batch : o.shape.seq_len;
    const MemoryConfig act_mem = detail::width_sharded_l1(dev, rows, H, detail::kResidualCores);
    {
        // tt_transformers' Embedding: a ROW_MAJOR bf16 table in DRAM, ttnn.embedding to TILE
        // layout in DRAM; decode then moves the rows onto the residual's sharded config
        // (model.py, _transform_decode_inputs_device). The ids are the prompt (prefill, padded to
        // 32) or one token per user (decode), drawn from the seed; the table's values do not
        // matter to the time and are not written.
        const auto table =
            ops::RowMajorTensor::allocate(dev, m.vocab_size, H, ops::RowMajorType::bfloat16);
        const uint32_t padded = (tokens + 31) / 32 * 32;
        std::vector<uint32_t> ids(padded, 0);
        std::mt19937 rng(o.seed * 7919u + 17u);
        for (uint32_t i = 0; i < tokens; ++i) ids[i] = rng() % m.vocab_size;
        const auto id_tensor = ops::RowMajorTensor::from_ids(dev, ids, 1, padded);
        const Tensor e =
            b.run("embedding", "embedding", [&] { return ops::embedding(id_tensor, table); });
        if (decode)
            (void)b.run("embedding_to_residual", "interleaved_to_sharded",
                        [&] { return ops::to_memory_config(e, act_mem); });
    }
    const MatmulFormat f = lm_head_format(m);
    // The last layer's output, normed onto the LM head's input (sharded as the residual).
    const Tensor x = b.random({1, rows, H}, DType::bfloat16, act_mem, 1.0f);
    const Tensor gamma =
        b.random({1, 1, H}, DType::bfloat16, MemoryConfig::dram_interleaved(), 1.0f);
    ops::NormConfig ncfg;
    ncfg.epsilon = float(m.norm_eps);
    const bool rms = m.norm == Norm::rms_norm;
    const Tensor xn =
        b.run(rms ? "rms_final" : "layernorm_final", rms ? "rms_norm" : "layer_norm", [&] {
            return rms ? ops::rms_norm(x, gamma, std::nullopt, ncfg)
                       : ops::layer_norm(x, gamma, std::nullopt, ncfg);
        });
    // Prefill's rows are the last tile of the prompt; only one of them is the token asked for.
    detail::lm_head_and_argmax(b, xn, m.vocab_size, f, !samples_on_host(o.shape));
}

}  // namespace

ModelRun run_model(tt::tt_metal::IDevice* device, const ModelConfig& model,
                   const ModelOptions& options) {
    return detail::run_step(
        model, options,
        [&](const LayerPrecision& p, const LayerOptions& lo) {
            return run_layer(device, model, options.shape, p, lo);
        },
        [&](const LayerOptions& lo, LayerRun& run) {
            detail::LayerBuilder b(device, lo, run);
            run_head(b, model, options);
        });
}

namespace detail {

void lm_head_and_argmax(LayerBuilder& b, const Tensor& xn, uint32_t vocab, const MatmulFormat& f,
                        bool argmax_on_device) {
    constexpr uint32_t kLmHeadColumns = 128256 / 4;
    const uint32_t H = xn.shape().cols;
    const auto cfg = matmul_config(f, MemoryConfig::l1_interleaved());
    uint32_t splits = (vocab + kLmHeadColumns - 1) / kLmHeadColumns;
    for (;; splits *= 2) {
        const uint32_t cols = (vocab + splits - 1) / splits;
        try {
            (void)ops::plan_matmul(b.device(),
                                   {xn.shape(),
                                    {1, H, cols},
                                    xn.dtype(),
                                    f.weight,
                                    xn.memory_config(),
                                    ops::parse_memory_config("dram_sharded"),
                                    true},
                                   cfg);
            break;
        } catch (const std::invalid_argument&) {
            if (cols <= 32 * 12) throw;
        }
    }
    std::vector<Tensor> logits;
    for (uint32_t i = 0, done = 0; i < splits; ++i) {
        const uint32_t cols = std::min((vocab + splits - 1) / splits, vocab - done);
        done += cols;
        const Tensor w = weight(b, xn, H, cols, f, ops::parse_memory_config("dram_sharded"), cfg);
        const std::string sfx = splits > 1 ? fmt::format("_{}", i) : "";
        Tensor piece = b.matmul("lm_head_mm" + sfx, xn, w, cfg);
        if (piece.memory_config().is_sharded())
            piece = b.run("lm_head_s2i" + sfx, "sharded_to_interleaved", [&] {
                return ops::sharded_to_interleaved(piece, MemoryConfig::l1_interleaved());
            });
        if (!argmax_on_device)  // the host reads them: model.py sends them to DRAM
            piece = b.run("logits_to_dram" + sfx, "to_memory_config", [&] {
                return ops::to_memory_config(piece, MemoryConfig::dram_interleaved());
            });
        logits.push_back(piece);
    }
    if (!argmax_on_device) return;
    b.run("argmax", "argmax", [&] {
        (void)ops::argmax(logits);
        return 0;
    });
}

// The host issues op i at (i + 1) x host_dispatch_us and never waits; the device starts it when
// it is issued and the previous op is done, plus the gap. Ops in step order: the layer groups,
// then the head (its embedding really comes first; one op's place does not change the sum much).
double exposed_dispatch_us(const ModelRun& r, const ModelOptions& o) {
    double host = 0, device = 0;
    const auto issue = [&](double us) {
        host += o.host_dispatch_us;
        device = std::max(host, device) + o.gap_us + us;
    };
    for (const auto& g : r.groups)
        for (uint32_t i = 0; i < g.count; ++i)
            for (const auto& op : g.run.ops) issue(op.device_us);
    for (const auto& op : r.head) issue(op.device_us);
    return std::max(0.0, device - r.device_us - r.gaps_us);
}

ModelRun run_step(const ModelConfig& model, const ModelOptions& options,
                  const std::function<LayerRun(const LayerPrecision&, const LayerOptions&)>& layer,
                  const std::function<void(const LayerOptions&, LayerRun&)>& head) {
    const auto t0 = std::chrono::steady_clock::now();
    ModelRun r{.model = model, .options = options};
    r.layers = options.layers ? std::min(options.layers, model.num_hidden_layers)
                              : model.num_hidden_layers;
    for (uint32_t i = 0; i < r.layers; ++i) {
        const LayerPrecision p = performance_precision(model, i);
        if (!r.groups.empty() && r.groups.back().precision == p)
            ++r.groups.back().count;
        else
            r.groups.push_back({.first = i, .count = 1, .precision = p});
    }
    const size_t pieces = r.groups.size() + 1;
    LayerOptions lo{
        .missing = options.missing, .seed = options.seed, .check_pcc = options.check_pcc};
    for (size_t g = 0; g < r.groups.size(); ++g) {
        LayerGroup& grp = r.groups[g];
        if (options.on_progress)
            options.on_progress(fmt::format("layers {}-{}", grp.first, grp.first + grp.count - 1),
                                g, pieces);
        grp.run = layer(grp.precision, lo);
        r.layers_us += grp.run.device_us * grp.count;
        r.ops_per_step += uint64_t(grp.run.ops.size()) * grp.count;
        for (const auto& m : grp.run.missing)
            if (std::find(r.missing.begin(), r.missing.end(), m) == r.missing.end())
                r.missing.push_back(m);
    }
    if (options.on_progress) options.on_progress("head", pieces - 1, pieces);
    LayerRun head_run;
    head(lo, head_run);
    for (auto& op : head_run.ops)
        op.share = head_run.device_us > 0 ? op.device_us / head_run.device_us : 0.0;
    r.head = head_run.ops;
    r.head_us = head_run.device_us;
    r.ops_per_step += head_run.ops.size();
    for (const auto& m : head_run.missing) r.missing.push_back(m);

    r.device_us = r.layers_us + r.head_us;
    r.gaps_us = double(r.ops_per_step) * options.gap_us;
    const bool traced = options.shape.mode == Mode::decode || options.trace_prefill;
    r.dispatch_us = traced ? 0.0 : double(r.ops_per_step) * options.host_dispatch_us;
    if (!traced && options.host_overlap) r.dispatch_us = exposed_dispatch_us(r, options);
    const double step_us = r.device_us + r.gaps_us;
    if (options.shape.mode == Mode::decode) {
        if (samples_on_host(options.shape)) {
            // The [32, vocab] bf16 logits (a tile of rows, whatever the batch) back to the host,
            // then the step's inputs written from it (kHostSamplingSource).
            const double logits_bytes = 32.0 * ((model.vocab_size + 31) / 32 * 32) * 2;
            r.host_sampling_us = logits_bytes / (options.d2h_gbps * 1e3) +
                                 kDecodeHostInputs * options.host_dispatch_us;
        }
        const double with_host_us = step_us + r.host_sampling_us;
        r.device_tokens_per_s_per_user = r.device_us > 0 ? 1e6 / r.device_us : 0.0;
        r.tokens_per_s_per_user = with_host_us > 0 ? 1e6 / with_host_us : 0.0;
    } else {
        r.readback_us = 32.0 * model.vocab_size * 2 / (kPcieReadGBps * 1e3);
        r.ttft_ms = (step_us + r.dispatch_us + r.readback_us) / 1e3 + options.host_ms;
        r.prefill_tokens_per_s = step_us > 0 ? options.shape.seq_len / (step_us * 1e-6) : 0.0;
    }
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace detail

}  // namespace tensim::models
