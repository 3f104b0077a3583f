// Tensor-parallel layers (tensim/models/tp.hpp) at tiny configs: on an n300 (TP=2, line,
// row-parallel WO + reduce-scatter) and a T3000 (TP=8, ring, all-gather + column-parallel WO), the
// gathered output of the chips matches the single-chip fp64 reference layer (PCC); the layer
// carries the collectives where tt_transformers puts them; timing numerics simulate one chip's
// ops and give the cycles faithful numerics give on that chip.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tt-metalium/host_api.hpp>

#include "tensim/host/tensim.hpp"
#include "tensim/models/tp.hpp"

using namespace tensim::models;
using tt::tt_metal::IDevice;

namespace {

ModelConfig tiny(uint32_t kv_heads, uint32_t hidden = 512, const std::string& type = "llama") {
    nlohmann::json j = {{"model_type", type},       {"hidden_size", hidden},
                        {"num_attention_heads", 8}, {"num_key_value_heads", kv_heads},
                        {"head_dim", 64},           {"num_hidden_layers", 2},
                        {"vocab_size", 2048},       {"intermediate_size", 1024},
                        {"rms_norm_eps", 1e-5},     {"rope_theta", 10000.0}};
    return parse_config(j, "tiny");
}

// The chips of a system, a chain of n of them in the topology TP uses, closed at the end.
struct Chain {
    std::vector<IDevice*> all, chain;
    Chain(const char* system, const char* numerics, uint32_t n, const ModelConfig& m) {
        tensim::set_system(system);
        tensim::set_numerics(numerics);
        for (size_t i = 0; i < tt::tt_metal::GetNumAvailableDevices(); ++i)
            all.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
        chain = tensim::fabric::Fabric::find_chain(all, n, tp_split(m, n).topology, 1);
    }
    ~Chain() {
        for (auto* d : all) tt::tt_metal::CloseDevice(d);
        tensim::set_numerics("faithful");
        tensim::set_system("n150");
    }
};

std::vector<std::string> labels(const LayerRun& r) {
    std::vector<std::string> out;
    for (const auto& op : r.ops) out.push_back(op.label);
    return out;
}

size_t index_of(const std::vector<std::string>& l, const std::string& x) {
    const auto it = std::find(l.begin(), l.end(), x);
    EXPECT_NE(it, l.end()) << x;
    return size_t(it - l.begin());
}

const LayerShape kDecode{.mode = Mode::decode, .batch = 8, .kv_len = 40, .tp = 2};
const LayerShape kPrefill{.mode = Mode::prefill, .batch = 1, .seq_len = 64, .tp = 2};

}  // namespace

TEST(Tp, SplitFollowsTtTransformers) {
    const ModelConfig m = find_model("llama-3.1-70b");
    const TpSplit s = tp_split(m, 8);
    // llm_layers.md 1.1: per device on T3K, 8 Q heads, 1 KV head, residual 1024, MLP 3584.
    EXPECT_EQ(s.q_heads, 8u);
    EXPECT_EQ(s.kv_heads, 1u);
    EXPECT_EQ(s.hidden, 1024u);
    EXPECT_EQ(s.intermediate, 3584u);
    EXPECT_TRUE(s.fused_wo);
    EXPECT_EQ(s.topology, tensim::fabric::Topology::ring);
    const TpSplit n300 = tp_split(find_model("llama-3.1-8b"), 2);
    EXPECT_FALSE(n300.fused_wo);
    EXPECT_EQ(n300.topology, tensim::fabric::Topology::line);
    EXPECT_THROW(tp_split(tiny(2), 4), std::invalid_argument);  // 2 KV heads over 4 chips
    EXPECT_FALSE(tp_split(tiny(8), 8).fused_wo);  // 2 residual tiles per chip: row-parallel WO
}

TEST(Tp, N300LayerMatchesTheSingleChipReference) {
    const ModelConfig m = tiny(2);
    Chain c("n300", "faithful", 2, m);
    for (const LayerShape& s : {kDecode, kPrefill}) {
        const LayerRun r = run_tp_layer(c.chain, m, s, performance_precision(m, 0),
                                        {.seed = 5, .check_pcc = true});
        ASSERT_TRUE(r.pcc.has_value());
        EXPECT_GE(*r.pcc, 0.99) << mode_name(s.mode);
        // Row-parallel WO and FF2, each followed by a reduce-scatter; an all-gather before each
        // norm.
        const auto l = labels(r);
        EXPECT_LT(index_of(l, "allgatherasync_0"), index_of(l, "rms_0"));
        EXPECT_LT(index_of(l, "wo_mm"), index_of(l, "reducescatter_do"));
        EXPECT_LT(index_of(l, "reducescatter_do"), index_of(l, "add_0"));
        EXPECT_LT(index_of(l, "allgatherasync_1"), index_of(l, "rms_1"));
        EXPECT_LT(index_of(l, "ff2_mm"), index_of(l, "reducescatter_ff2"));
        EXPECT_LT(index_of(l, "reducescatter_ff2"), index_of(l, "add_1"));
        for (const auto& op : r.ops) EXPECT_GT(op.device_us, 0) << op.label;
    }
}

TEST(Tp, QwenBiasShardsWithItsHeads) {
    // Qwen2's QKV bias is cut with the heads (each chip its Q, K and V columns) and fused into
    // the chip's QKV matmul; the reference adds the whole bias.
    const ModelConfig m = tiny(2, 512, "qwen2");
    Chain c("n300", "faithful", 2, m);
    for (const LayerShape& s : {kDecode, kPrefill}) {
        const LayerRun r = run_tp_layer(c.chain, m, s, performance_precision(m, 0),
                                        {.seed = 5, .check_pcc = true});
        ASSERT_TRUE(r.pcc.has_value());
        EXPECT_GE(*r.pcc, 0.99) << mode_name(s.mode);
        EXPECT_TRUE(r.missing.empty()) << mode_name(s.mode);
    }
}

TEST(Tp, T3000RingLayerWithGatheredWoMatchesTheReference) {
    // 2048 wide: 8 tiles per chip, a multiple of 8, so WO takes the fused gather (model_config.py).
    const ModelConfig m = tiny(8, 2048);
    ASSERT_TRUE(tp_split(m, 8).fused_wo);
    Chain c("t3000", "faithful", 8, m);
    LayerShape s = kDecode;
    s.tp = 8;
    const LayerRun r =
        run_tp_layer(c.chain, m, s, performance_precision(m, 0), {.seed = 7, .check_pcc = true});
    ASSERT_TRUE(r.pcc.has_value());
    EXPECT_GE(*r.pcc, 0.99);
    const auto l = labels(r);
    EXPECT_LT(index_of(l, "concatheads"), index_of(l, "allgathermatmulasync_do"));
    EXPECT_LT(index_of(l, "allgathermatmulasync_do"), index_of(l, "wo_mm"));
    EXPECT_EQ(std::count(l.begin(), l.end(), "reducescatter_do"), 0);
}

TEST(Tp, TimingSimulatesOneChipWithFaithfulCycles) {
    const ModelConfig m = tiny(2);
    std::vector<OpRecord> faithful, timing;
    {
        Chain c("n300", "faithful", 2, m);
        faithful = run_tp_layer(c.chain, m, kDecode, performance_precision(m, 0)).ops;
    }
    {
        Chain c("n300", "timing", 2, m);
        timing = run_tp_layer(c.chain, m, kDecode, performance_precision(m, 0)).ops;
    }
    ASSERT_EQ(faithful.size(), timing.size());
    for (size_t i = 0; i < faithful.size(); ++i) {
        EXPECT_EQ(faithful[i].label, timing[i].label);
        EXPECT_DOUBLE_EQ(faithful[i].device_us, timing[i].device_us) << faithful[i].label;
    }
}

TEST(Tp, ModelCountsLayersAndTheGatheredHead) {
    const ModelConfig m = tiny(2);
    tensim::set_system("n300");
    tensim::set_numerics("timing");
    ModelOptions o{.shape = kDecode, .missing = MissingOps::skip};
    const ModelRun r = run_tp_model_on_system(m, o);
    tensim::set_system("n150");
    tensim::set_numerics("faithful");
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_DOUBLE_EQ(r.layers_us, 2 * r.groups[0].run.device_us);
    EXPECT_DOUBLE_EQ(r.device_us, r.layers_us + r.head_us);
    std::vector<std::string> head;
    for (const auto& op : r.head) head.push_back(op.label);
    EXPECT_LT(index_of(head, "allgatherasync_final"), index_of(head, "rms_final"));
    EXPECT_LT(index_of(head, "rms_final"), index_of(head, "lm_head_mm"));
    EXPECT_GT(r.tokens_per_s_per_user, 0);
    EXPECT_LT(r.tokens_per_s_per_user, r.device_tokens_per_s_per_user);
}
