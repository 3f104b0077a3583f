// Tensor-parallel decoder layers and model steps over a chain of chips (n300 TP=2, T3000 TP=8),
// sharded the way tt_transformers shards Llama-family models (shared/reference/llm_layers.md
// 1.3 "Llama-3.1-70B on T3K" and "n300", 1.4 step 8 and 12; models/tt_transformers/tt/
// attention.py, mlp.py, ccl.py, model_config.py):
//   - the residual stream is fractured: each chip holds [rows, hidden / tp];
//   - before each norm an all-gather (all_gather_async, dim 3) rebuilds [rows, hidden];
//   - QKV is column-parallel (each chip its n_q / tp query heads and n_kv / tp KV heads, its share
//     of the KV cache), FF1/FF3 column-parallel ([hidden, intermediate / tp]);
//   - WO: with 8 chips the attention output is all-gathered and WO is column-parallel
//     ([q_width, hidden / tp]; TT-NN fuses the gather into the matmul, all_gather_matmul_async,
//     tensim runs the gather and then the matmul); with fewer chips WO is row-parallel
//     ([q_width / tp, hidden]) and its partial sums are reduce-scattered (USE_FUSED_ALL_GATHER_
//     MATMUL is enabled for 8 devices only);
//   - FF2 is row-parallel ([intermediate / tp, hidden]) and reduce-scattered onto the fractured
//     residual.
// Topology: a ring on 8 chips, a line otherwise (model_config.py ccl_topology).
//
// What is modelled: every chip's ops are the single-chip ops of tensim::ops on its shard; the
// collectives run on the real chain with the fabric (tensim/ops/ccl.hpp), on every chip. What is
// abstracted: tensor-parallel shards are symmetric (same shapes, same programs, same DRAM and NoC
// traffic on every chip), so in timing numerics the per-chip ops are simulated on the chain's
// first chip only and its time stands for all chips (the collectives still run on every chip,
// their inputs allocated). In faithful / fast numerics every chip runs its ops on its own values
// (the layer's output is checked against the single-chip fp64 reference). The collectives carry
// interleaved tensors (the op layer's CCLs take no sharded inputs), so the decode layer keeps the
// fractured residual L1-interleaved and moves the gathered activations onto the norm's 32-core
// shards (`reshard_ag_*`), where TT-NN's all-gather writes the sharded layout directly.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensim/fabric.hpp"
#include "tensim/models/layer.hpp"
#include "tensim/models/model.hpp"

namespace tt::tt_metal {
class IDevice;
}

namespace tensim::models {

// How a model is split over tp chips; throws std::invalid_argument when it cannot be (heads,
// widths not divisible into whole tiles per chip).
struct TpSplit {
    uint32_t tp = 1;
    uint32_t q_heads = 0, kv_heads = 0;  // per chip
    uint32_t hidden = 0;                 // the fractured residual's width per chip
    uint32_t intermediate = 0;           // FF1/FF3 columns, FF2 rows per chip
    bool fused_wo = false;  // all-gather + column-parallel WO (8 chips), else row-parallel + RS
    fabric::Topology topology = fabric::Topology::line;
    std::string describe() const;
};
TpSplit tp_split(const ModelConfig& m, uint32_t tp);

// The timing note every TP report carries.
inline constexpr const char* kTpTimingNote =
    "tensor-parallel shards are symmetric: in timing numerics each chip's ops are simulated once "
    "(on the chain's first chip) and stand for every chip; the collectives run on the whole chain";

// One layer on `chain` (tp = chain.size() chips in chain order, neighbours linked). The run's
// ops are the first chip's ops plus the collectives (their device time: the slowest chip's).
LayerRun run_tp_layer(const std::vector<tt::tt_metal::IDevice*>& chain, const ModelConfig& model,
                      const LayerShape& shape, const LayerPrecision& precision,
                      const LayerOptions& options = {});

// A whole step on `chain`: the layers (each distinct one simulated once, as run_model) and the
// head (gather of the residual, final norm, the LM head over vocab / tp columns per chip).
ModelRun run_tp_model(const std::vector<tt::tt_metal::IDevice*>& chain, const ModelConfig& model,
                      const ModelOptions& options);

// Opens every chip of the current system (tensim::set_system), finds a chain of
// options.shape.tp chips in the split's topology, runs run_tp_model and closes the chips.
ModelRun run_tp_model_on_system(const ModelConfig& model, const ModelOptions& options);

}  // namespace tensim::models
