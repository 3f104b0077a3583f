// The LLM kinds of `tensim calibrate` (shared/calibration/README.md): llm_e2e (a served model,
// host in the loop: t/s/u with the dispatch gap, TTFT with the gaps, the host's dispatch of the
// untraced prefill ops and the host time model of tensim/models/model.hpp), llm_op (one op of a
// layer, device time) and model_device (a whole
// model's device kernel throughput). A model without a preset, tp > 1 (no meshes yet) and an op
// not built yet are skipped with the reason, never estimated.
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "calibrate/predict.hpp"
#include "tensim/models/model.hpp"

namespace tensim::calibrate {

namespace {

models::ModelConfig model_param(const Params& p) {
    const std::string name = p.need<std::string>("model");
    const std::string preset = models::preset_of_alias(name);
    if (preset.empty())
        throw Skip{fmt::format("model '{}' has no preset (presets: {})", name,
                               fmt::join(models::preset_names(), ", "))};
    return models::find_model(preset);
}

uint32_t tp_param(const Params& p) {
    const uint32_t tp = p.get<uint32_t>("tp").value_or(1);
    if (tp != 1)
        throw Skip{
            fmt::format("tp={} needs a mesh and its CCLs, which tensim does not build yet", tp)};
    return tp;
}

// One step of a model, cached: several cases share a configuration (the 8B decode at batch 32
// appears under three sources).
const models::ModelRun& run_cached(bench::Session& s, const models::ModelConfig& m,
                                   const models::ModelOptions& o) {
    static std::map<std::tuple<std::string, int, uint32_t, uint32_t, uint32_t, uint32_t, bool>,
                    models::ModelRun>
        cache;
    const auto key =
        std::make_tuple(m.name, int(o.shape.mode), o.shape.batch, o.shape.seq_len, o.shape.kv_len,
                        o.layers, o.missing == models::MissingOps::skip);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    try {
        return cache.emplace(key, models::run_model(s.device(), m, o)).first->second;
    } catch (const models::MissingOpError& e) {
        throw Skip{e.what()};
    }
}

// Mode, batch and lengths of a case; notes the defaults taken.
models::ModelOptions shape_params(const Params& p, std::vector<std::string>& notes) {
    models::ModelOptions o;
    o.shape.mode = models::parse_mode(p.need<std::string>("mode"));
    o.shape.tp = tp_param(p);
    const auto seq = p.get<uint32_t>("seq_len");
    if (!seq) notes.push_back("seq_len not stated: 128 (the prompt of the tt-metal README tables)");
    o.shape.seq_len = seq.value_or(128);
    if (o.shape.mode == models::Mode::decode) {
        o.shape.batch = p.get<uint32_t>("batch").value_or(32);
        if (!p.stated("batch")) notes.push_back("batch not stated: 32");
        o.shape.kv_len = p.get<uint32_t>("kv_cache_len").value_or(o.shape.seq_len);
    } else {
        o.shape.batch = 1;
        if (p.get<uint32_t>("batch").value_or(1) > 1)
            notes.push_back("TTFT: the prefill of one user (users are prefilled one at a time)");
        o.shape.seq_len = (o.shape.seq_len + 31) / 32 * 32;
    }
    return o;
}

Prediction predict_e2e(bench::Session& s, const Case& c, const Params& p) {
    Prediction out;
    const models::ModelConfig m = model_param(p);
    models::ModelOptions o = shape_params(p, out.notes);
    if (p.stated("weights") && p.need<std::string>("weights") != "bfp4_mlp_bfp8_attention")
        throw Skip{fmt::format("weights '{}' is not a precision tensim builds",
                               p.need<std::string>("weights"))};
    const models::ModelRun& r = run_cached(s, m, o);
    out.notes.push_back(models::kGapSource);
    if (c.metric == "tokens_per_s_per_user") {
        if (o.shape.mode != models::Mode::decode) throw Skip{"t/s/u of a prefill case"};
        if (r.host_sampling_us > 0)
            out.notes.push_back(fmt::format("{} ({:.2f} ms per step)", models::kHostSamplingSource,
                                            r.host_sampling_us / 1e3));
        out.value = r.tokens_per_s_per_user;
    } else if (c.metric == "ttft_ms") {
        out.notes.push_back(fmt::format(
            "TTFT = one user's prefill with the host in the loop (simple_text_demo.py: "
            "inference_prefill / batch): device time + one gap per op + the host's dispatch of "
            "each untraced op ({:.1f} ms) + the last tile's logits read over PCIe ({:.2f} ms)",
            r.dispatch_us / 1e3, r.readback_us / 1e3));
        out.notes.push_back(models::kHostDispatchSource);
        out.value = r.ttft_ms;
    } else {
        throw Skip{fmt::format("metric '{}' is not one llm_e2e predicts", c.metric)};
    }
    out.notes.push_back(fmt::format("{} layers ({} simulated), {:.1f} us device + {:.1f} us gaps",
                                    r.layers, r.groups.size(), r.device_us, r.gaps_us));
    return out;
}

Prediction predict_op(bench::Session& s, const Case& c, const Params& p) {
    Prediction out;
    const models::ModelConfig m = model_param(p);
    models::ModelOptions o = shape_params(p, out.notes);
    o.layers = 1;
    o.missing = models::MissingOps::skip;  // the op's own time does not depend on the others
    if (c.metric != "device_time_us")
        throw Skip{fmt::format("metric '{}' is not one llm_op predicts", c.metric)};
    const std::string op = p.need<std::string>("op");
    const models::ModelRun& r = run_cached(s, m, o);
    for (const auto& rec : r.groups.front().run.ops)
        if (rec.label == op) {
            if (rec.missing) throw Skip{fmt::format("op {}: {}", op, rec.note)};
            out.notes.push_back(rec.program);
            out.value = rec.device_us;
            return out;
        }
    std::string known;
    for (const auto& rec : r.groups.front().run.ops)
        known += (known.empty() ? "" : ", ") + rec.label;
    throw Skip{fmt::format("op '{}' is not an op of this layer ({})", op, known)};
}

Prediction predict_model_device(bench::Session& s, const Case& c, const Params& p) {
    Prediction out;
    const models::ModelConfig m = model_param(p);
    models::ModelOptions o = shape_params(p, out.notes);
    o.layers = p.get<uint32_t>("layers_run").value_or(0);
    const models::ModelRun& r = run_cached(s, m, o);
    const bool device_only = p.get<std::string>("timing").value_or("device_kernel") != "end_to_end";
    const double step_us = device_only ? r.device_us : r.device_us + r.gaps_us;
    const bool decode = o.shape.mode == models::Mode::decode;
    if (c.metric == "tokens_per_s_per_user" && decode)
        out.value = 1e6 / step_us;
    else if (c.metric == "samples_per_s")
        out.value = (decode ? o.shape.batch : o.shape.seq_len) * 1e6 / step_us;
    else
        throw Skip{
            fmt::format("metric '{}' with mode {}", c.metric, models::mode_name(o.shape.mode))};
    out.notes.push_back(device_only ? "device kernel time only" : "with the dispatch gaps");
    return out;
}

}  // namespace

Prediction predict_llm(bench::Session& s, const Case& c) {
    const Params p(c.params);
    if (c.system != "n150" && c.system != "wormhole_b0")
        throw Skip{fmt::format("system {} needs a mesh (only n150 is built)", c.system)};
    if (c.kind == "llm_e2e") return predict_e2e(s, c, p);
    if (c.kind == "llm_op") return predict_op(s, c, p);
    return predict_model_device(s, c, p);
}

}  // namespace tensim::calibrate
