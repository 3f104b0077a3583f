// Internal to tensim::models: the recorder every layer form runs its ops through, the memory
// placement rules (derived the way tt_transformers' model_config.py derives them), and the two
// layer forms (decode.cpp, prefill.cpp).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tensim/host/tensim.hpp"
#include "tensim/models/layer.hpp"
#include "tensim/models/model.hpp"
#include "tensim/ops/matmul.hpp"

namespace tensim::models::detail {

// Runs a layer's ops one by one and keeps a row per op.
class LayerBuilder {
public:
    LayerBuilder(tt::tt_metal::IDevice* device, const LayerOptions& options, LayerRun& run);
    tt::tt_metal::IDevice* device() const { return m_device; }
    // Whether tensors carry values (any numerics but timing).
    bool values() const { return m_values; }

    // A tensor of values uniform in [-scale, scale) from the layer's seed; in timing numerics
    // only allocated (the values cannot matter).
    ops::Tensor random(const ops::Shape& shape, ops::DType dtype, const ops::MemoryConfig& mem,
                       float scale);

    // Runs one op (a call that launches one program) and records that program as `label`.
    template <typename Fn>
    auto run(const std::string& label, const std::string& op, Fn&& fn) {
        auto out = fn();
        record(label, op);
        return out;
    }
    // A matmul with its plan in the record.
    ops::Tensor matmul(const std::string& label, const ops::Tensor& a, const ops::Tensor& b,
                       const ops::MatmulConfig& cfg);

    // An op not built yet: MissingOpError, or (skip) a row marked missing and the output the op
    // would produce, allocated.
    ops::Tensor missing(const std::string& label, const std::string& op, const std::string& who,
                        const ops::Shape& shape, ops::DType dtype, const ops::MemoryConfig& mem);

    // Keeps a tensor the fp64 reference needs (weights, cache, norm parameters) by name.
    void keep(const std::string& name, const ops::Tensor& t) { m_kept[name] = t; }
    const std::map<std::string, ops::Tensor>& kept() const { return m_kept; }

private:
    std::map<std::string, ops::Tensor> m_kept;
    void record(const std::string& label, const std::string& op, const std::string& plan = "");
    tt::tt_metal::IDevice* m_device;
    LayerOptions m_opt;
    LayerRun& m_run;
    bool m_values;
    uint32_t m_draws = 0;  // tensors drawn so far (each gets its own stream of the seed)
};

// ---- placement -------------------------------------------------------------------------------

// The largest core count <= max_cores dividing `tiles` (tt_transformers' find_grid: as many
// cores as possible with equal shards, at least one tile each).
uint32_t sharded_cores(uint32_t tiles, uint32_t max_cores);
// [rows, cols] width-sharded in L1 over the most cores (<= max_cores) that divide the column
// tiles and form one rectangle of the device grid (whole rows, or part of the first).
ops::MemoryConfig width_sharded_l1(tt::tt_metal::IDevice* device, uint32_t rows, uint32_t cols,
                                   uint32_t max_cores);
// The 32 cores of the residual stream and the 64 of the MLP (llm_layers.md 1.3 rows 1 and 12).
inline constexpr uint32_t kResidualCores = 32, kMlpCores = 64;

// The matmul config of a weight matmul with this format: program chosen by the op layer from the
// operands (DRAM-sharded weights in decode, interleaved in prefill).
ops::MatmulConfig matmul_config(const MatmulFormat& f, const ops::MemoryConfig& out_mem);

// A weight [k, n] for a matmul: planned with the activation's config so it lands where the
// program reads it (DRAM-sharded for decode), values scaled by 1/sqrt(k) so outputs stay O(1).
ops::Tensor weight(LayerBuilder& b, const ops::Tensor& act, uint32_t k, uint32_t n,
                   const MatmulFormat& f, const ops::MemoryConfig& weight_mem,
                   const ops::MatmulConfig& cfg);

// The cos (or sin, `sine`) table rotary_embedding_llama reads for these positions, one row each:
// entries 2i and 2i+1 hold cos/sin(pos * theta^(-2i/head_dim)) (the adjacent-pair layout of its
// transformation matrix, as tt_transformers' RotarySetup builds it), bfloat16 in DRAM; `shape`
// is [positions, 1, head_dim] (decode) or [1, positions, head_dim] (prefill).
ops::Tensor rope_table(LayerBuilder& b, const ModelConfig& m, const std::vector<uint32_t>& pos,
                       bool sine, const ops::Shape& shape);
// The one-tile transformation matrix rotary_embedding_llama multiplies by.
ops::Tensor rope_transformation(LayerBuilder& b);

// ---- the layer forms -------------------------------------------------------------------------

// The op sequence of one layer; `x` is the layer input (the residual stream), the result its
// output.
ops::Tensor decode_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                         const LayerPrecision& p, const ops::Tensor& x);
ops::Tensor prefill_layer(LayerBuilder& b, const ModelConfig& m, const LayerShape& s,
                          const LayerPrecision& p, const ops::Tensor& x);

// Who builds each op not in tensim::ops yet (the streams of issue 11).
inline constexpr const char* kNormStream = "the NORM stream (norms, eltwise, reshard, typecast)";
inline constexpr const char* kAttnStream =
    "the ATTN stream (SDPA, rotary embedding, KV cache, heads)";
inline constexpr const char* kMmStream = "the MM stream (fused bias / activation)";
inline constexpr const char* kMeshStream = "the many-chips streams (CCLs over a mesh)";

// Qwen2's QKV bias ([1, qkv width] bf16 in DRAM, kept as "bqkv" for the reference), fused into
// the QKV matmul as TT-NN does; none for models without one.
std::optional<ops::Tensor> qkv_bias(LayerBuilder& b, const ModelConfig& m);

// The LM head over `vocab` columns of the vocabulary and greedy sampling: tt_transformers' LMHead
// splits the columns into DRAM-sharded matmuls of at most 128256 / 4 columns
// (model_config.py, max_columns_per_device_lm_head; more pieces when one still does not plan),
// moves each piece to L1 interleaved, and argmax reads the pieces (tensim has no concat op).
// Without `argmax_on_device` (batch > 1: the host samples) the pieces go to DRAM for the host to
// read instead (model.py's to_memory_config(DRAM_MEMORY_CONFIG)) and no argmax runs.
void lm_head_and_argmax(LayerBuilder& b, const ops::Tensor& xn, uint32_t vocab,
                        const MatmulFormat& f, bool argmax_on_device = true);

// A model step from its layers and head: consecutive layers of one precision are the same
// programs, simulated once and counted `count` times; then the head and the derived figures
// (t/s/u with the op-to-op gaps, TTFT with the read-back of the last tile's logits).
// The host dispatch the device waits for when the host runs ahead (ModelOptions::host_overlap).
double exposed_dispatch_us(const ModelRun& r, const ModelOptions& o);

ModelRun run_step(const ModelConfig& model, const ModelOptions& options,
                  const std::function<LayerRun(const LayerPrecision&, const LayerOptions&)>& layer,
                  const std::function<void(const LayerOptions&, LayerRun&)>& head);

}  // namespace tensim::models::detail
