// Model configs from Hugging Face config.json files (tensim/models/config.hpp). The keys and
// defaults are those transformers' config classes read (LlamaConfig, MistralConfig, Qwen2Config,
// FalconConfig).
#include "tensim/models/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/data_paths.hpp"
#include "common/error.hpp"

namespace tensim::models {

namespace fs = std::filesystem;

namespace {

uint32_t need_uint(const nlohmann::json& j, const std::string& name, const char* key) {
    if (!j.contains(key) || !j.at(key).is_number_integer() || j.at(key).get<int64_t>() <= 0)
        throw ConfigError(
            fmt::format("model {}: `{}` is missing or not a positive integer", name, key));
    return static_cast<uint32_t>(j.at(key).get<int64_t>());
}

uint32_t uint_or(const nlohmann::json& j, const std::string& name, const char* key, uint32_t dflt) {
    if (!j.contains(key) || j.at(key).is_null()) return dflt;
    return need_uint(j, name, key);
}

double number_or(const nlohmann::json& j, const char* key, double dflt) {
    if (!j.contains(key) || !j.at(key).is_number()) return dflt;
    return j.at(key).get<double>();
}

bool bool_or(const nlohmann::json& j, const char* key, bool dflt) {
    if (!j.contains(key) || !j.at(key).is_boolean()) return dflt;
    return j.at(key).get<bool>();
}

}  // namespace

ModelConfig parse_config(const nlohmann::json& j, const std::string& name) {
    if (!j.is_object()) throw ConfigError(fmt::format("model {}: config is not an object", name));
    ModelConfig c;
    c.name = name;
    c.model_type = j.value("model_type", std::string());
    c.source = j.value("_source", std::string());
    const std::string& t = c.model_type;
    if (t != "llama" && t != "mistral" && t != "qwen2" && t != "falcon")
        throw ConfigError(fmt::format(
            "model {}: model_type '{}' is not one tensim builds (llama, mistral, qwen2, falcon)",
            name, t));
    c.hidden_size = need_uint(j, name, "hidden_size");
    c.num_attention_heads = need_uint(j, name, "num_attention_heads");
    c.num_hidden_layers = need_uint(j, name, "num_hidden_layers");
    c.vocab_size = need_uint(j, name, "vocab_size");
    if (c.hidden_size % c.num_attention_heads)
        throw ConfigError(fmt::format("model {}: {} heads do not divide hidden_size {}", name,
                                      c.num_attention_heads, c.hidden_size));
    c.head_dim = uint_or(j, name, "head_dim", c.hidden_size / c.num_attention_heads);
    c.tie_word_embeddings = bool_or(j, "tie_word_embeddings", t == "falcon");
    if (t == "falcon") {
        // FalconConfig: new_decoder_architecture uses num_kv_heads; otherwise multi_query means
        // one KV head. The MLP is 4 x hidden with GELU; LayerNorm; parallel_attn.
        const bool new_arch = bool_or(j, "new_decoder_architecture", false);
        c.num_key_value_heads = new_arch ? uint_or(j, name, "num_kv_heads", c.num_attention_heads)
                                : bool_or(j, "multi_query", true) ? 1
                                                                  : c.num_attention_heads;
        c.intermediate_size = uint_or(j, name, "ffn_hidden_size", 4 * c.hidden_size);
        c.norm = Norm::layer_norm;
        c.activation = Activation::gelu;
        c.gated_mlp = false;
        c.parallel_attn = new_arch || bool_or(j, "parallel_attn", true);
        c.norm_eps = number_or(j, "layer_norm_epsilon", 1e-5);
        c.rope_theta = number_or(j, "rope_theta", 10000.0);
        c.qkv_bias = bool_or(j, "bias", false);
        if (bool_or(j, "alibi", false))
            throw ConfigError(
                fmt::format("model {}: ALiBi attention is not built (RoPE only)", name));
    } else {
        c.num_key_value_heads = uint_or(j, name, "num_key_value_heads", c.num_attention_heads);
        c.intermediate_size = need_uint(j, name, "intermediate_size");
        c.norm_eps = number_or(j, "rms_norm_eps", 1e-6);
        c.rope_theta = number_or(j, "rope_theta", 10000.0);
        // Qwen2Attention always has q/k/v biases; Llama and Mistral have them with
        // attention_bias.
        c.qkv_bias = t == "qwen2" || bool_or(j, "attention_bias", false);
        const std::string act = j.value("hidden_act", std::string("silu"));
        if (act != "silu")
            throw ConfigError(
                fmt::format("model {}: hidden_act '{}' is not built (silu)", name, act));
    }
    if (c.num_attention_heads % c.num_key_value_heads)
        throw ConfigError(fmt::format("model {}: {} KV heads do not divide {} attention heads",
                                      name, c.num_key_value_heads, c.num_attention_heads));
    return c;
}

ModelConfig load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(fmt::format("model config {}: cannot open", path));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(fmt::format("model config {}: not valid JSON: {}", path, e.what()));
    }
    fs::path p(path);
    // models/presets/<name>/config.json is named by its folder; other files by their stem.
    const std::string name = p.filename() == "config.json" && p.has_parent_path()
                                 ? p.parent_path().filename().string()
                                 : p.stem().string();
    ModelConfig c = parse_config(j, name);
    if (c.source.empty()) c.source = path;
    return c;
}

std::string presets_dir() {
    if (const char* d = std::getenv("TENSIM_MODELS_DIR")) return d;
    return data_paths().presets;
}

std::vector<std::string> preset_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(presets_dir(), ec))
        if (fs::exists(e.path() / "config.json")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string preset_of_alias(const std::string& alias) {
    // llama_3.1_8b -> llama-3.1-8b; qwen_2.5_7b -> qwen-2.5-7b.
    std::string n = alias;
    std::replace(n.begin(), n.end(), '_', '-');
    for (const auto& p : preset_names())
        if (p == n) return p;
    return "";
}

ModelConfig find_model(const std::string& name_or_path) {
    if (fs::is_regular_file(name_or_path)) return load_config(name_or_path);
    const fs::path dir = presets_dir();
    for (const std::string& n : {name_or_path, preset_of_alias(name_or_path)})
        if (!n.empty() && fs::exists(dir / n / "config.json"))
            return load_config((dir / n / "config.json").string());
    throw ConfigError(fmt::format("model '{}': not a config.json file nor a preset ({})",
                                  name_or_path, fmt::join(preset_names(), ", ")));
}

}  // namespace tensim::models
