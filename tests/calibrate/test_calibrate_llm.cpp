// The LLM kinds of `tensim calibrate`: an llm_op case takes the device time of that op in one
// layer (the same as running the layer), an op not built yet, an unknown op, a model without a
// preset, tp > 1 and a multi-chip system are skipped with the reason; llm_e2e and model_device
// either simulate or name the op they are missing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tensim/calibrate.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/models/layer.hpp"
#include "tensim/models/model.hpp"

using namespace tensim::calibrate;
using nlohmann::json;

namespace {

json llm_case(const std::string& id, const std::string& kind, const std::string& system,
              json params, const std::string& metric) {
    return {{"id", id},         {"kind", kind},     {"system", system},        {"params", params},
            {"metric", metric}, {"measured", 10.0}, {"measured_kind", "mean"}, {"source", "test"},
            {"notes", ""}};
}

const Result& find(const std::vector<Result>& rs, const std::string& id) {
    for (const auto& r : rs)
        if (r.id == id) return r;
    throw std::runtime_error("no result " + id);
}

bool skipped_for(const Result& r, const std::string& why) {
    return r.skipped() && r.skip_reason.find(why) != std::string::npos;
}

}  // namespace

TEST(CalibrateLlm, OpsModelsAndSystems) {
    const json decode = {
        {"model", "llama_3.2_1b"}, {"mode", "decode"}, {"batch", 32}, {"seq_len", 128}, {"tp", 1}};
    auto op = [&](const std::string& name) {
        json p = decode;
        p["op"] = name;
        return p;
    };
    json e2e_tp = decode;
    e2e_tp["tp"] = 8;
    json mamba = decode;
    mamba["model"] = "mamba_2.8b";
    const json cases =
        json::array({llm_case("op_qkv", "llm_op", "n150", op("qkv_mm"), "device_time_us"),
                     llm_case("op_sdpa", "llm_op", "n150", op("sdpa"), "device_time_us"),
                     llm_case("op_unknown", "llm_op", "n150", op("no_such_op"), "device_time_us"),
                     llm_case("e2e", "llm_e2e", "n150", decode, "tokens_per_s_per_user"),
                     llm_case("e2e_tp", "llm_e2e", "n150", e2e_tp, "tokens_per_s_per_user"),
                     llm_case("e2e_t3k", "llm_e2e", "t3000", decode, "tokens_per_s_per_user"),
                     llm_case("e2e_mamba", "llm_e2e", "n150", mamba, "tokens_per_s_per_user"),
                     llm_case("dev", "model_device", "n150", decode, "samples_per_s")});
    const auto rs = run_cases(parse_cases(cases, "synthetic"), {.numerics = "timing"});

    // qkv_mm: the layer's own record of that op, run again here.
    const Result& qkv = find(rs, "op_qkv");
    ASSERT_FALSE(qkv.skipped()) << qkv.skip_reason;
    tensim::set_numerics("timing");
    auto* dev = tt::tt_metal::CreateDevice(0);
    const auto m = tensim::models::find_model("llama-3.2-1b");
    const auto run = tensim::models::run_layer(dev, m, {.batch = 32, .kv_len = 128},
                                               tensim::models::performance_precision(m, 0),
                                               {.missing = tensim::models::MissingOps::skip});
    // The whole model (layers and head: embedding, LM head, sampling) as a skip-mode run sees it.
    const auto model = tensim::models::run_model(
        dev, m,
        {.shape = {.batch = 32, .kv_len = 128}, .missing = tensim::models::MissingOps::skip});
    tt::tt_metal::CloseDevice(dev);
    bool sdpa_built = false;
    for (const auto& r : run.ops) {
        if (r.label == "qkv_mm") {
            EXPECT_DOUBLE_EQ(*qkv.predicted, r.device_us);
        }
        if (r.label == "sdpa") sdpa_built = !r.missing;
    }
    EXPECT_TRUE(sdpa_built ? !find(rs, "op_sdpa").skipped()
                           : skipped_for(find(rs, "op_sdpa"), "not built yet"));
    EXPECT_TRUE(skipped_for(find(rs, "op_unknown"), "not an op of this layer"));
    EXPECT_TRUE(skipped_for(find(rs, "e2e_tp"), "tp=8"));
    EXPECT_TRUE(skipped_for(find(rs, "e2e_t3k"), "mesh"));
    EXPECT_TRUE(skipped_for(find(rs, "e2e_mamba"), "no preset"));
    // A whole model runs only when every op exists; otherwise it names the first missing op.
    for (const char* id : {"e2e", "dev"}) {
        const Result& r = find(rs, id);
        if (model.complete()) {
            EXPECT_FALSE(r.skipped()) << id << ": " << r.skip_reason;
        } else {
            EXPECT_TRUE(skipped_for(r, model.missing.front())) << id << ": " << r.skip_reason;
        }
    }
}
