// tensim::models: decoder-only LLMs as TT-NN's tt_transformers runs them on Wormhole.
//
// ModelConfig is what a model's Hugging Face `config.json` says about its shape (read by
// parse_config, the keys transformers' LlamaConfig / MistralConfig / Qwen2Config / FalconConfig
// read, with their defaults). Presets are such files kept in the tree
// (models/presets/<name>/config.json, each with a `_source` naming the Hugging Face repository it
// copies), so no run downloads anything. The calibration files name models with underscores
// (`llama_3.1_8b`); find_model accepts those aliases too.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tensim::models {

enum class Norm { rms_norm, layer_norm };
enum class Activation { silu, gelu };

struct ModelConfig {
    std::string name;        // preset name, or the file's stem
    std::string model_type;  // "llama", "mistral", "qwen2", "falcon"
    std::string source;      // the preset's `_source`, or the file read
    uint32_t hidden_size = 0, intermediate_size = 0;
    uint32_t num_attention_heads = 0, num_key_value_heads = 0, head_dim = 0;
    uint32_t num_hidden_layers = 0, vocab_size = 0;
    double norm_eps = 1e-5, rope_theta = 10000.0;
    bool tie_word_embeddings = false;
    Norm norm = Norm::rms_norm;
    Activation activation = Activation::silu;
    // Gated MLP (w1, w3, w2 with act(x w1) * (x w3)); Falcon's MLP is dense_h_to_4h, act, 4h_to_h.
    bool gated_mlp = true;
    bool qkv_bias = false;       // Qwen2: biases on q, k and v; `attention_bias` elsewhere
    bool parallel_attn = false;  // Falcon: attention and MLP both read the same normed input

    uint32_t q_width() const { return num_attention_heads * head_dim; }
    uint32_t kv_width() const { return num_key_value_heads * head_dim; }
    uint32_t qkv_width() const { return q_width() + 2 * kv_width(); }  // fused QKV output
    uint32_t group_size() const { return num_attention_heads / num_key_value_heads; }
};

// Reads a Hugging Face config.json object. Missing optional keys take transformers' defaults
// (head_dim = hidden / heads, num_key_value_heads = heads, Falcon's 4x MLP and multi_query).
// Throws tensim::ConfigError naming the key that is missing or impossible (heads not dividing
// the hidden size, KV heads not dividing the heads), and for a model type other than llama,
// mistral, qwen2 or falcon.
ModelConfig parse_config(const nlohmann::json& j, const std::string& name);
ModelConfig load_config(const std::string& path);  // a config.json file

// A preset name (`llama-3.1-8b`), a calibration alias (`llama_3.1_8b`) or a path to a
// config.json. Throws ConfigError listing the presets for an unknown name.
ModelConfig find_model(const std::string& name_or_path);
// The preset a calibration alias names ("llama_3.1_8b" -> "llama-3.1-8b"), or "" if none.
std::string preset_of_alias(const std::string& alias);
std::vector<std::string> preset_names();
// Where presets are read: $TENSIM_MODELS_DIR, else <source>/models/presets.
std::string presets_dir();

}  // namespace tensim::models
