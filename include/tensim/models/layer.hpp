// One decoder layer of a model, run as the sequence of TT-NN device ops tt_transformers issues
// (shared/reference/llm_layers.md 1.3 decode, 1.4 prefill), each a real program on the simulated
// device, with random weights from a seed. What is modelled: the ops, their order, the tensors'
// shapes, formats and memory placement (width-sharded L1 activations and DRAM-sharded weights in
// decode, DRAM-interleaved activations in prefill), the precision of llm_layers.md 1.2. What is
// abstracted: the host (no trace capture; the dispatch gap between ops is added by the model,
// model.hpp), paging of the KV cache (a contiguous cache per user and KV head), and for prefill the
// row slabs tt_transformers reshapes long inputs into (one matmul over all rows instead).
//
// An op no stream has built yet is a MissingOpError naming it (LayerOptions::missing = refuse), or,
// in timing numerics only, a row marked missing whose output is allocated as the op would
// produce it, so the rest of the layer still runs (MissingOps::skip: a partial layer, never a
// guessed time).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensim/error.hpp"
#include "tensim/host/data_format.hpp"
#include "tensim/models/config.hpp"
#include "tensim/ops/tensor.hpp"

namespace tt::tt_metal {
class IDevice;
}

namespace tensim::models {

enum class Mode { decode, prefill };
std::string mode_name(Mode m);
Mode parse_mode(const std::string& s);  // throws std::invalid_argument

struct LayerShape {
    Mode mode = Mode::decode;
    uint32_t batch = 32;     // decode: users decoded together (one token each); prefill: 1
    uint32_t kv_len = 128;   // decode: tokens in the cache before this one (its position)
    uint32_t seq_len = 128;  // prefill: prompt tokens
    // Tensor-parallel degree: chips the layer is split over. Only 1 is built (the CCLs of
    // llm_layers.md 1.3-1.4 come with meshes); more is a MissingOpError naming them.
    uint32_t tp = 1;
};

// Format and fidelity of one weight matmul.
struct MatmulFormat {
    ops::DType weight = ops::DType::bfloat8_b;
    MathFidelity fidelity = MathFidelity::HiFi2;
    bool fp32_dest_acc = false;
    bool packer_l1_acc = true;
    ops::DType out = ops::DType::bfloat16;
    friend bool operator==(const MatmulFormat&, const MatmulFormat&) = default;
};

// "Performance" mode of tt_transformers (llm_layers.md 1.2; model_config.py ModelOptimizations):
// QKV, WO, FF2 and the KV cache bfloat8_b with HiFi2; FF1/FF3 bfloat4_b with LoFi, except the
// last layer of Llama-3.1-8B, which keeps bfloat8_b FF1/FF3 (its performance_decoder_config.json);
// the SiLU x mul output feeding FF2 is bfloat8_b.
struct LayerPrecision {
    MatmulFormat qkv, wo, ff1, ff3, ff2;
    ops::DType kv_cache = ops::DType::bfloat8_b;
    ops::DType ff2_input = ops::DType::bfloat8_b;
    std::string describe() const;
    friend bool operator==(const LayerPrecision&, const LayerPrecision&) = default;
};
LayerPrecision performance_precision(const ModelConfig& m, uint32_t layer_index);
// The LM head: bfloat8_b weights, HiFi2 (tt_transformers' lm_head in performance mode).
MatmulFormat lm_head_format(const ModelConfig& m);

// One device op of a layer, as a per-op report row (tt-perf-report's columns).
struct OpRecord {
    std::string label;    // the op within the layer, as TT-NN profiles name it: rms_0, qkv_mm, sdpa
    std::string op;       // the TT-NN op: rms_norm, matmul, scaled_dot_product_attention_decode
    std::string program;  // what ran (the program name and, for a matmul, its plan)
    uint32_t cores = 0;
    double device_us = 0;
    double share = 0;      // of the layer's device time
    double fpu_util = 0;   // mean over the cores that computed
    double dram_gbps = 0;  // DRAM bytes (read + written) over the op's device time
    std::string bound;     // compute, noc, dram, latency; "missing" for a skipped op
    bool missing = false;  // not run: no stream has built this op yet
    std::string note;      // for a missing op: who builds it
};

struct LayerRun {
    LayerShape shape;
    std::vector<OpRecord> ops;
    double device_us = 0;              // sum over the ops that ran
    std::vector<std::string> missing;  // labels of the ops that did not run
    std::optional<double> pcc;         // against the fp64 reference, when checked
    double wall_s = 0;
    bool complete() const { return missing.empty(); }
};

// The layer cannot run: an op it needs does not exist in tensim::ops yet (or tp > 1 needs CCLs).
class MissingOpError : public Error {
public:
    MissingOpError(const std::string& label, const std::string& op, const std::string& who);
    const std::string& label() const { return m_label; }
    const std::string& op() const { return m_op; }

private:
    std::string m_label, m_op;
};

enum class MissingOps { refuse, skip };

struct LayerOptions {
    MissingOps missing = MissingOps::refuse;
    uint32_t seed = 0;
    // Check the layer's output against the fp64 reference of the same layer (faithful/fast
    // numerics; needs every op).
    bool check_pcc = false;
};

// Builds one layer on `device` (weights, KV cache, inputs) and runs it once. Throws
// MissingOpError (refuse), std::invalid_argument for a shape the layer cannot take (skip with
// anything but timing numerics, batch above 32 in decode, a prefill length not a multiple of 32).
LayerRun run_layer(tt::tt_metal::IDevice* device, const ModelConfig& model, const LayerShape& shape,
                   const LayerPrecision& precision, const LayerOptions& options = {});

}  // namespace tensim::models
