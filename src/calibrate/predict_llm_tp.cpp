// The LLM kinds of `tensim calibrate` on a multi-chip system (n300, T3000, Galaxy): the model
// split over `params.tp` chips (tensim/models/tp.hpp), run on the case's system after the shared
// single-chip device has closed. The figures are those of predict_llm.cpp: llm_e2e t/s/u with the
// dispatch gaps or TTFT, llm_op one op's device time (a collective included), model_device
// device-only throughput. Galaxy's TP=32 (a 2D mesh with all-reduces on both axes) is not built.
#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <tuple>

#include "calibrate/predict.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/models/tp.hpp"

namespace tensim::calibrate {

namespace {

const models::ModelRun& run_cached(const models::ModelConfig& m, const models::ModelOptions& o) {
    static std::map<std::tuple<std::string, std::string, int, uint32_t, uint32_t, uint32_t,
                               uint32_t, uint32_t, bool>,
                    models::ModelRun>
        cache;
    const auto key = std::make_tuple(tensim::system_name(), m.name, int(o.shape.mode),
                                     o.shape.batch, o.shape.seq_len, o.shape.kv_len, o.shape.tp,
                                     o.layers, o.missing == models::MissingOps::skip);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    try {
        return cache.emplace(key, models::run_tp_model_on_system(m, o)).first->second;
    } catch (const models::MissingOpError& e) {
        throw Skip{e.what()};
    }
}

}  // namespace

bool is_mesh_llm_case(const Case& c) {
    return (c.kind == "llm_e2e" || c.kind == "llm_op" || c.kind == "model_device") &&
           Params(c.params).get<uint32_t>("tp").value_or(1) > 1;
}

Prediction predict_llm_mesh(const Case& c) {
    const Params p(c.params);
    Prediction out;
    const uint32_t tp = p.need<uint32_t>("tp");
    if (c.system == "galaxy")
        throw Skip{fmt::format(
            "tp={} on a Galaxy: the 8x4 mesh's 2D split (all-reduces along both axes) is not built",
            tp)};
    const std::string name = p.need<std::string>("model");
    const std::string preset = models::preset_of_alias(name);
    if (preset.empty()) throw Skip{fmt::format("model '{}' has no preset", name)};
    const models::ModelConfig m = models::find_model(preset);
    if (p.stated("weights") && p.need<std::string>("weights") != "bfp4_mlp_bfp8_attention")
        throw Skip{fmt::format("weights '{}' is not a precision tensim builds",
                               p.need<std::string>("weights"))};
    models::ModelOptions o;
    o.shape.mode = models::parse_mode(p.need<std::string>("mode"));
    o.shape.tp = tp;
    try {
        (void)models::tp_split(m, tp);
    } catch (const std::invalid_argument& e) {
        throw Skip{e.what()};
    }
    const auto seq = p.get<uint32_t>("seq_len");
    if (!seq)
        out.notes.push_back("seq_len not stated: 128 (the prompt of the tt-metal README tables)");
    o.shape.seq_len = (seq.value_or(128) + 31) / 32 * 32;
    const bool decode = o.shape.mode == models::Mode::decode;
    if (decode) {
        o.shape.batch = p.get<uint32_t>("batch").value_or(32);
        o.shape.kv_len = p.get<uint32_t>("kv_cache_len").value_or(o.shape.seq_len);
    } else {
        o.shape.batch = 1;
        if (p.get<uint32_t>("batch").value_or(1) > 1)
            out.notes.push_back(
                "TTFT: the prefill of one user (users are prefilled one at a time)");
    }
    if (c.kind == "llm_op") {
        o.layers = 1;
        o.missing = models::MissingOps::skip;
    } else if (c.kind == "model_device") {
        o.layers = p.get<uint32_t>("layers_run").value_or(0);
    }
    tensim::set_system(c.system);  // the caller restores its system
    const std::string prev = tensim::numerics_mode_name();
    tensim::set_numerics("timing");  // the per-chip ops are simulated once (tp.hpp)
    struct Restore {
        std::string n;
        ~Restore() { tensim::set_numerics(n); }
    } restore{prev};
    const models::ModelRun& r = [&]() -> const models::ModelRun& {
        try {
            return run_cached(m, o);
        } catch (const std::invalid_argument& e) {  // the system has fewer chips than tp
            throw Skip{e.what()};
        }
    }();
    out.notes.push_back(models::kTpTimingNote);
    if (c.kind == "llm_op") {
        const std::string op = p.need<std::string>("op");
        for (const auto& rec : r.groups.front().run.ops)
            if (rec.label == op) {
                if (rec.missing) throw Skip{fmt::format("op {}: {}", op, rec.note)};
                out.notes.push_back(rec.program);
                out.value = rec.device_us;
                return out;
            }
        throw Skip{fmt::format("op '{}' is not an op of this layer", op)};
    }
    if (c.kind == "model_device") {
        const bool device_only =
            p.get<std::string>("timing").value_or("device_kernel") != "end_to_end";
        const double step_us = device_only ? r.device_us : r.device_us + r.gaps_us;
        if (c.metric == "tokens_per_s_per_user" && decode)
            out.value = 1e6 / step_us;
        else if (c.metric == "samples_per_s")
            out.value = (decode ? o.shape.batch : o.shape.seq_len) * 1e6 / step_us;
        else
            throw Skip{
                fmt::format("metric '{}' with mode {}", c.metric, models::mode_name(o.shape.mode))};
        return out;
    }
    out.notes.push_back(models::kGapSource);
    if (c.metric == "tokens_per_s_per_user" && decode) {
        if (r.host_sampling_us > 0)
            out.notes.push_back(fmt::format("{} ({:.2f} ms per step)", models::kHostSamplingSource,
                                            r.host_sampling_us / 1e3));
        out.value = r.tokens_per_s_per_user;
    } else if (c.metric == "ttft_ms" && !decode) {
        out.notes.push_back(fmt::format(
            "TTFT = prefill device time + one gap per op + the host's dispatch of each untraced "
            "op ({:.1f} ms; one dispatch per op of the mesh) + the logits read back",
            r.dispatch_us / 1e3));
        out.notes.push_back(models::kHostDispatchSource);
        out.value = r.ttft_ms;
    } else {
        throw Skip{
            fmt::format("metric '{}' with mode {}", c.metric, models::mode_name(o.shape.mode))};
    }
    out.notes.push_back(fmt::format("{} layers ({} simulated), {:.1f} us device + {:.1f} us gaps",
                                    r.layers, r.groups.size(), r.device_us, r.gaps_us));
    return out;
}

}  // namespace tensim::calibrate
