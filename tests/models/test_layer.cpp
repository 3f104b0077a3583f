// One decoder layer and a whole model step at a tiny config (hidden 256, 4 heads, 2 KV heads):
// the op sequence and its records, refusing on an op not built yet, the fp64 reference, the
// layer's PCC in faithful numerics once every op exists, and the model's arithmetic (layers
// simulated once and counted, head, gaps).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "models/layer_internal.hpp"
#include "models/reference.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/models/model.hpp"

using namespace tensim::models;

namespace {

ModelConfig tiny(const std::string& type = "llama") {
    nlohmann::json j = {{"model_type", type},       {"hidden_size", 256},
                        {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                        {"head_dim", 64},           {"num_hidden_layers", 3},
                        {"vocab_size", 1024},       {"intermediate_size", 512},
                        {"rms_norm_eps", 1e-5},     {"rope_theta", 10000.0}};
    return parse_config(j, "tiny");
}

struct Device {
    explicit Device(const char* numerics) {
        tensim::set_numerics(numerics);
        dev = tt::tt_metal::CreateDevice(0);
    }
    ~Device() { tt::tt_metal::CloseDevice(dev); }
    tt::tt_metal::IDevice* dev;
};

const LayerShape kDecode{.mode = Mode::decode, .batch = 8, .kv_len = 40};
const LayerShape kPrefill{.mode = Mode::prefill, .batch = 1, .seq_len = 64};

std::vector<std::string> labels(const LayerRun& r) {
    std::vector<std::string> out;
    for (const auto& op : r.ops) out.push_back(op.label);
    return out;
}

}  // namespace

TEST(Layer, SkipModeRunsWhatExistsAndListsTheRest) {
    Device d("timing");
    const ModelConfig m = tiny();
    for (const LayerShape& s : {kDecode, kPrefill}) {
        const LayerRun r =
            run_layer(d.dev, m, s, performance_precision(m, 0), {.missing = MissingOps::skip});
        const auto l = labels(r);
        // The five weight matmuls of a Llama layer run (matmul exists), in the order of
        // llm_layers.md 1.3 / 1.4.
        std::vector<size_t> at;
        for (const char* mm : {"qkv_mm", "wo_mm", "ff1_mm", "ff3_mm", "ff2_mm"}) {
            const auto it = std::find(l.begin(), l.end(), mm);
            ASSERT_NE(it, l.end()) << mm;
            at.push_back(size_t(it - l.begin()));
            EXPECT_FALSE(r.ops[at.back()].missing);
            EXPECT_GT(r.ops[at.back()].device_us, 0.0) << mm;
            EXPECT_GT(r.ops[at.back()].cores, 0u) << mm;
        }
        EXPECT_TRUE(std::is_sorted(at.begin(), at.end()));
        double sum = 0, shares = 0;
        size_t missing = 0;
        for (const auto& op : r.ops) {
            sum += op.device_us, shares += op.share;
            if (op.missing) {
                ++missing;
                EXPECT_EQ(op.device_us, 0.0);
                EXPECT_FALSE(op.note.empty());
            }
        }
        EXPECT_DOUBLE_EQ(sum, r.device_us);
        EXPECT_NEAR(shares, 1.0, 1e-9);
        EXPECT_EQ(missing, r.missing.size());
        EXPECT_EQ(l.back(), "add_1");
    }
}

TEST(Layer, RefusesNamingTheFirstOpNotBuilt) {
    Device d("timing");
    const ModelConfig m = tiny();
    const LayerRun partial =
        run_layer(d.dev, m, kDecode, performance_precision(m, 0), {.missing = MissingOps::skip});
    try {
        const LayerRun r = run_layer(d.dev, m, kDecode, performance_precision(m, 0));
        EXPECT_TRUE(partial.complete()) << "refuse mode ran a layer skip mode found incomplete";
        EXPECT_TRUE(r.complete());
    } catch (const MissingOpError& e) {
        ASSERT_FALSE(partial.missing.empty());
        EXPECT_EQ(e.label(), partial.missing.front());
    }
    EXPECT_THROW(run_layer(d.dev, m, {.mode = Mode::decode, .tp = 8}, performance_precision(m, 0)),
                 MissingOpError);
    EXPECT_THROW(run_layer(d.dev, m, {.mode = Mode::decode, .batch = 33},
                           performance_precision(m, 0), {.missing = MissingOps::skip}),
                 std::invalid_argument);
}

TEST(Layer, FalconAndQwenForms) {
    Device d("timing");
    const ModelConfig f = tiny("falcon");
    const auto lf = labels(
        run_layer(d.dev, f, kDecode, performance_precision(f, 0), {.missing = MissingOps::skip}));
    EXPECT_EQ(std::count(lf.begin(), lf.end(), "ff3_mm"), 0);  // no gate: one up-projection
    EXPECT_EQ(std::count(lf.begin(), lf.end(), "layernorm_0"), 1);
    const ModelConfig q = tiny("qwen2");
    const LayerRun rq =
        run_layer(d.dev, q, kPrefill, performance_precision(q, 0), {.missing = MissingOps::skip});
    // Qwen2's QKV bias and Falcon's GELU are fused into their matmuls, not ops of their own.
    auto program_of = [](const LayerRun& r, const std::string& label) {
        for (const auto& op : r.ops)
            if (op.label == label) return op.program;
        return std::string("(no " + label + ")");
    };
    EXPECT_NE(program_of(rq, "qkv_mm").find("bias"), std::string::npos) << program_of(rq, "qkv_mm");
    const LayerRun rf =
        run_layer(d.dev, f, kPrefill, performance_precision(f, 0), {.missing = MissingOps::skip});
    EXPECT_NE(program_of(rf, "ff1_mm").find("gelu"), std::string::npos) << program_of(rf, "ff1_mm");
    for (const auto* r : {&rq, &rf})
        for (const auto& l : labels(*r)) EXPECT_TRUE(l != "ff1_gelu" && l != "qkv_bias") << l;
}

TEST(Layer, FusedBiasAndGeluMatchTheReference) {
    // Qwen2 (QKV bias) in both modes and Falcon (GELU MLP, parallel attention) in prefill, in
    // faithful numerics against the fp64 layer reference (which adds the bias and applies GELU).
    Device d("faithful");
    const ModelConfig q = tiny("qwen2"), f = tiny("falcon");
    for (const auto& [m, s] :
         {std::pair{q, kDecode}, std::pair{q, kPrefill}, std::pair{f, kPrefill}}) {
        const LayerRun r = run_layer(d.dev, m, s, performance_precision(m, 0), {.check_pcc = true});
        ASSERT_TRUE(r.pcc.has_value()) << m.model_type << " " << mode_name(s.mode);
        EXPECT_GE(*r.pcc, 0.99) << m.model_type << " " << mode_name(s.mode);
    }
}

TEST(LayerReference, ZeroProjectionsLeaveTheResidual) {
    // With WO and W2 zero, attention and the MLP add nothing: the layer is the identity.
    const ModelConfig m = tiny();
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1, 1);
    auto rnd = [&](size_t n) {
        std::vector<float> v(n);
        for (auto& x : v) x = u(rng);
        return v;
    };
    const size_t T = kDecode.batch, H = m.hidden_size, I = m.intermediate_size;
    const size_t cache = size_t(kDecode.batch) * m.num_key_value_heads * 64 * m.head_dim;
    std::map<std::string, std::vector<float>> t = {
        {"norm_0", rnd(H)},
        {"norm_1", rnd(H)},
        {"wqkv", rnd(H * m.qkv_width())},
        {"wo", std::vector<float>(size_t(m.q_width()) * H, 0.0f)},
        {"w1", rnd(H * I)},
        {"w3", rnd(H * I)},
        {"w2", std::vector<float>(I * H, 0.0f)},
        {"k_cache", rnd(cache)},
        {"v_cache", rnd(cache)}};
    const auto x = rnd(T * H);
    const auto y = reference_layer(m, kDecode, t, x);
    ASSERT_EQ(y.size(), x.size());
    for (size_t i = 0; i < x.size(); ++i) EXPECT_DOUBLE_EQ(y[i], x[i]);
    EXPECT_NEAR(pcc(y, x), 1.0, 1e-12);
}

TEST(Layer, FaithfulPccOnceEveryOpExists) {
    Device d("faithful");
    const ModelConfig m = tiny();
    for (const LayerShape& s : {kDecode, kPrefill}) {
        try {
            const LayerRun r =
                run_layer(d.dev, m, s, performance_precision(m, 0), {.check_pcc = true});
            ASSERT_TRUE(r.pcc.has_value());
            RecordProperty(mode_name(s.mode) + "_pcc", std::to_string(*r.pcc));
            EXPECT_GE(*r.pcc, 0.99) << mode_name(s.mode);
        } catch (const MissingOpError& e) {
            GTEST_SKIP() << "the layer cannot run yet: " << e.what();
        }
    }
}

TEST(Model, LayersSimulatedOnceAndCounted) {
    Device d("timing");
    const ModelConfig m = tiny();
    ModelOptions o{.shape = kDecode, .missing = MissingOps::skip, .gap_us = 2.0};
    const ModelRun r = run_model(d.dev, m, o);
    ASSERT_EQ(r.groups.size(), 1u);  // three layers of one precision: one simulated
    EXPECT_EQ(r.groups[0].count, m.num_hidden_layers);
    const double layer = r.groups[0].run.device_us;
    EXPECT_DOUBLE_EQ(r.layers_us, layer * m.num_hidden_layers);
    EXPECT_DOUBLE_EQ(r.device_us, r.layers_us + r.head_us);
    EXPECT_EQ(r.ops_per_step, r.groups[0].run.ops.size() * m.num_hidden_layers + r.head.size());
    EXPECT_DOUBLE_EQ(r.gaps_us, 2.0 * double(r.ops_per_step));
    EXPECT_DOUBLE_EQ(r.device_tokens_per_s_per_user, 1e6 / r.device_us);
    // Batch 8: the host samples, so the step adds its host part (checked in HostSampling...).
    EXPECT_GT(r.host_sampling_us, 0.0);
    EXPECT_DOUBLE_EQ(r.tokens_per_s_per_user, 1e6 / (r.device_us + r.gaps_us + r.host_sampling_us));
    const auto has = [](const ModelRun& run, const std::string& label) {
        return std::any_of(run.head.begin(), run.head.end(),
                           [&](const OpRecord& op) { return op.label == label; });
    };
    const auto lm = std::find_if(r.head.begin(), r.head.end(),
                                 [](const OpRecord& op) { return op.label == "lm_head_mm"; });
    ASSERT_NE(lm, r.head.end());
    EXPECT_GT(lm->device_us, 0.0);
    // The logits go to DRAM for the host; no argmax on device.
    EXPECT_TRUE(has(r, "logits_to_dram"));
    EXPECT_FALSE(has(r, "argmax"));
    ModelOptions one = o;
    one.shape.batch = 1;
    const ModelRun r1 = run_model(d.dev, m, one);
    EXPECT_TRUE(has(r1, "argmax"));
    EXPECT_FALSE(has(r1, "logits_to_dram"));
    EXPECT_DOUBLE_EQ(r1.host_sampling_us, 0.0);
    EXPECT_DOUBLE_EQ(r1.tokens_per_s_per_user, 1e6 / (r1.device_us + r1.gaps_us));

    o.shape = kPrefill, o.host_ms = 5.0, o.layers = 2;
    const ModelRun p = run_model(d.dev, m, o);
    EXPECT_EQ(p.layers, 2u);
    // The last tile's logits (32 x vocabulary bf16) cross PCIe at kPcieReadGBps.
    EXPECT_DOUBLE_EQ(p.readback_us, 32.0 * m.vocab_size * 2 / (kPcieReadGBps * 1e3));
    // Prefill is untraced: every op also pays its host dispatch (kHostDispatchUs by default).
    EXPECT_DOUBLE_EQ(p.dispatch_us, kHostDispatchUs * double(p.ops_per_step));
    EXPECT_DOUBLE_EQ(p.ttft_ms,
                     (p.device_us + p.gaps_us + p.dispatch_us + p.readback_us) / 1e3 + 5.0);
    EXPECT_DOUBLE_EQ(r.dispatch_us, 0.0);  // decode is traced
    EXPECT_DOUBLE_EQ(p.prefill_tokens_per_s, kPrefill.seq_len / ((p.device_us + p.gaps_us) * 1e-6));
}

// The host-dispatch mechanism on its own, with made-up op times (no simulation): an untraced
// prefill pays host_dispatch_us per op in series with the device; a traced prefill and a decode
// step pay none.
TEST(Model, UntracedStepPaysHostDispatchPerOp) {
    const ModelConfig m = tiny();
    const auto layer = [](const LayerPrecision&, const LayerOptions&) {
        LayerRun run;
        for (double us : {10.0, 40.0, 5.0}) run.ops.push_back({.label = "op", .device_us = us});
        run.device_us = 55.0;
        return run;
    };
    const auto head = [](const LayerOptions&, LayerRun& run) {
        run.ops.push_back({.label = "lm_head_mm", .device_us = 20.0});
        run.device_us = 20.0;
    };
    ModelOptions o{.shape = kPrefill, .gap_us = 2.0, .host_dispatch_us = 11.0};
    const ModelRun p = detail::run_step(m, o, layer, head);
    const uint64_t ops = 3 * uint64_t(m.num_hidden_layers) + 1;
    ASSERT_EQ(p.ops_per_step, ops);
    EXPECT_DOUBLE_EQ(p.device_us, 55.0 * m.num_hidden_layers + 20.0);
    EXPECT_DOUBLE_EQ(p.dispatch_us, 11.0 * double(ops));
    EXPECT_DOUBLE_EQ(p.ttft_ms,
                     (p.device_us + 2.0 * double(ops) + 11.0 * double(ops) + p.readback_us) / 1e3);

    o.trace_prefill = true;
    const ModelRun traced = detail::run_step(m, o, layer, head);
    EXPECT_DOUBLE_EQ(traced.dispatch_us, 0.0);
    EXPECT_NEAR(p.ttft_ms - traced.ttft_ms, 11.0 * double(ops) / 1e3, 1e-9);

    // Host running ahead: ops of 10, 40, 5 us (+2 gap) against 11 us of dispatch each. Replay
    // the step on a host reference: only the waits for the host remain.
    o.trace_prefill = false, o.host_overlap = true;
    const ModelRun ahead = detail::run_step(m, o, layer, head);
    double host = 0, dev = 0;
    for (uint32_t l = 0; l < m.num_hidden_layers; ++l)
        for (double us : {10.0, 40.0, 5.0}) host += 11.0, dev = std::max(host, dev) + 2.0 + us;
    host += 11.0, dev = std::max(host, dev) + 2.0 + 20.0;
    EXPECT_NEAR(ahead.dispatch_us, dev - p.device_us - 2.0 * double(ops), 1e-9);
    EXPECT_GT(ahead.dispatch_us, 0.0);
    EXPECT_LT(ahead.dispatch_us, p.dispatch_us);

    o.host_overlap = false, o.shape = kDecode;
    const ModelRun d = detail::run_step(m, o, layer, head);
    EXPECT_DOUBLE_EQ(d.dispatch_us, 0.0);
    EXPECT_DOUBLE_EQ(d.tokens_per_s_per_user,
                     1e6 / (d.device_us + 2.0 * double(ops) + d.host_sampling_us));
}

// Host sampling (tt_transformers samples on device at batch 1 only): at batch > 1 each decode
// step adds the read of the [32, vocab] bf16 logits at d2h_gbps and kDecodeHostInputs input
// writes at one host dispatch each, in series with the device; batch 1 and prefill add nothing.
TEST(Model, HostSamplingAtBatchAboveOne) {
    const ModelConfig m = tiny();  // vocabulary 1024: 32 whole tiles
    const auto layer = [](const LayerPrecision&, const LayerOptions&) {
        LayerRun run;
        run.ops.push_back({.label = "op", .device_us = 30.0});
        run.device_us = 30.0;
        return run;
    };
    const auto head = [](const LayerOptions&, LayerRun& run) {
        run.ops.push_back({.label = "lm_head_mm", .device_us = 20.0});
        run.device_us = 20.0;
    };
    ModelOptions o{.shape = kDecode, .gap_us = 1.0, .host_dispatch_us = 10.0, .d2h_gbps = 2.0};
    ASSERT_TRUE(samples_on_host(o.shape));
    const ModelRun r = detail::run_step(m, o, layer, head);
    const double bytes = 32.0 * m.vocab_size * 2;
    EXPECT_DOUBLE_EQ(r.host_sampling_us, bytes / 2e3 + kDecodeHostInputs * 10.0);
    EXPECT_DOUBLE_EQ(r.tokens_per_s_per_user, 1e6 / (r.device_us + r.gaps_us + r.host_sampling_us));
    EXPECT_DOUBLE_EQ(r.device_tokens_per_s_per_user, 1e6 / r.device_us);  // device only

    o.d2h_gbps = 4.0;  // twice the rate: half the read, the same input writes
    const ModelRun fast = detail::run_step(m, o, layer, head);
    EXPECT_DOUBLE_EQ(r.host_sampling_us - fast.host_sampling_us, bytes / 4e3);

    o.shape.batch = 1;
    EXPECT_FALSE(samples_on_host(o.shape));
    const ModelRun one = detail::run_step(m, o, layer, head);
    EXPECT_DOUBLE_EQ(one.host_sampling_us, 0.0);
    EXPECT_DOUBLE_EQ(one.tokens_per_s_per_user, 1e6 / (one.device_us + one.gaps_us));

    o.shape = kPrefill;
    EXPECT_DOUBLE_EQ(detail::run_step(m, o, layer, head).host_sampling_us, 0.0);
}
