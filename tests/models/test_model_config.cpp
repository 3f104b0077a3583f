// Model configs: the presets read from the tree, the shapes llm_layers.md 1.1 states for the
// Llama-3.1-8B and 70B, Falcon-7B's derived fields against the published layer sizes, Qwen2's QKV
// bias, the calibration aliases, and the errors a bad config raises.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tensim/error.hpp"
#include "tensim/models/config.hpp"
#include "tensim/models/layer.hpp"

using namespace tensim::models;

TEST(ModelConfig, EveryPresetLoadsAndNamesItsSource) {
    const auto names = preset_names();
    for (const char* want : {"llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "llama-3.1-70b",
                             "mistral-7b", "qwen-2.5-7b", "falcon-7b"})
        EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
    for (const auto& n : names) {
        const ModelConfig c = find_model(n);
        EXPECT_EQ(c.name, n);
        EXPECT_NE(c.source.find("huggingface.co/"), std::string::npos) << n;
        EXPECT_EQ(c.num_attention_heads % c.num_key_value_heads, 0u) << n;
    }
}

TEST(ModelConfig, LlamaShapesOfTheReference) {
    // llm_layers.md 1.1: hidden / heads / KV heads / head_dim, MLP, fused QKV width, layers.
    const ModelConfig m8 = find_model("llama-3.1-8b");
    EXPECT_EQ(m8.hidden_size, 4096u);
    EXPECT_EQ(m8.num_attention_heads, 32u);
    EXPECT_EQ(m8.num_key_value_heads, 8u);
    EXPECT_EQ(m8.head_dim, 128u);
    EXPECT_EQ(m8.intermediate_size, 14336u);
    EXPECT_EQ(m8.qkv_width(), 6144u);
    EXPECT_EQ(m8.num_hidden_layers, 32u);
    const ModelConfig m70 = find_model("llama-3.1-70b");
    EXPECT_EQ(m70.head_dim, 128u);  // not in the file: hidden / heads
    EXPECT_EQ(m70.qkv_width(), 10240u);
    EXPECT_EQ(m70.num_hidden_layers, 80u);
    EXPECT_FALSE(m8.qkv_bias);
    EXPECT_TRUE(find_model("llama-3.2-1b").tie_word_embeddings);
}

TEST(ModelConfig, FalconDerivesMultiQueryParallelGeluMlp) {
    const ModelConfig f = find_model("falcon-7b");
    // The published model's query_key_value is 4544 -> 4672 = (71 + 2 x 1) x 64 and its MLP
    // 4544 -> 18176 (transformers' FalconForCausalLM).
    EXPECT_EQ(f.num_key_value_heads, 1u);
    EXPECT_EQ(f.qkv_width(), 4672u);
    EXPECT_EQ(f.intermediate_size, 18176u);
    EXPECT_TRUE(f.parallel_attn);
    EXPECT_FALSE(f.gated_mlp);
    EXPECT_EQ(f.norm, Norm::layer_norm);
    EXPECT_EQ(f.activation, Activation::gelu);
}

TEST(ModelConfig, QwenHasQkvBiasAndAliasesResolve) {
    EXPECT_TRUE(find_model("qwen-2.5-7b").qkv_bias);
    EXPECT_EQ(preset_of_alias("llama_3.1_8b"), "llama-3.1-8b");
    EXPECT_EQ(preset_of_alias("qwen_2.5_7b"), "qwen-2.5-7b");
    EXPECT_EQ(preset_of_alias("mamba_2.8b"), "");
    EXPECT_EQ(find_model("mistral_7b").name, "mistral-7b");
}

TEST(ModelConfig, BadConfigsNameTheProblem) {
    EXPECT_THROW(find_model("no-such-model"), tensim::ConfigError);
    nlohmann::json j = {{"model_type", "llama"},    {"hidden_size", 256},
                        {"num_attention_heads", 4}, {"num_key_value_heads", 3},
                        {"num_hidden_layers", 2},   {"vocab_size", 1000},
                        {"intermediate_size", 512}};
    try {
        parse_config(j, "t");
        FAIL() << "3 KV heads do not divide 4 heads";
    } catch (const tensim::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("KV heads"), std::string::npos) << e.what();
    }
    j["num_key_value_heads"] = 2;
    j.erase("intermediate_size");
    EXPECT_THROW(parse_config(j, "t"), tensim::ConfigError);
    j["intermediate_size"] = 512;
    j["model_type"] = "gpt2";
    EXPECT_THROW(parse_config(j, "t"), tensim::ConfigError);
}

TEST(ModelConfig, PerformancePrecision) {
    const ModelConfig m8 = find_model("llama-3.1-8b");
    const LayerPrecision p0 = performance_precision(m8, 0);
    EXPECT_EQ(p0.ff1.weight, tensim::ops::DType::bfloat4_b);
    EXPECT_EQ(p0.ff1.fidelity, MathFidelity::LoFi);
    EXPECT_EQ(p0.qkv.weight, tensim::ops::DType::bfloat8_b);
    EXPECT_EQ(p0.ff2.fidelity, MathFidelity::HiFi2);
    // The 8B's last layer keeps bfloat8_b FF1/FF3; other models do not.
    EXPECT_EQ(performance_precision(m8, 31).ff1.weight, tensim::ops::DType::bfloat8_b);
    EXPECT_EQ(performance_precision(find_model("mistral-7b"), 31), p0);
}
