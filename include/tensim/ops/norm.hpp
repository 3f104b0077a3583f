// tensim::ops::rms_norm / layer_norm: normalisation over the last dimension, run with the two
// programs TT-NN's LayerNorm op uses on Wormhole (RMSNorm is the same program with RMSNORM set):
//   sharded      the input width-sharded in L1 (decode: [32, 4096] on 32 cores, shard [32, 128]);
//                each core reduces its shard to partial statistics, "all-gather worker" cores
//                combine the partials, add epsilon, take rsqrt and the first core multicasts the
//                result back; each core then scales its shard and applies gamma/beta. The output
//                may be sharded on another grid (the FFN norm writes onto the MLP grid).
//   interleaved  DRAM/L1 interleaved (prefill): tile rows split over the cores, each core
//                normalises whole rows (re-reading them when a row does not fit L1).
// The distributed form splits RMSNorm in two ops around an all-gather of the statistics:
// rms_norm_pre_all_gather (per-row sum of x^2 of the local columns, one tile per tile row) and
// rms_norm_post_all_gather (the gathered statistics of all devices -> normalised local columns).
// docs/ops.md says which TT-NN kernels each follows.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "tensim/host/data_format.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

enum class NormProgram { automatic, sharded, interleaved };
std::string program_name(NormProgram p);  // "auto", "sharded", "interleaved"

struct NormConfig {
    float epsilon = 1e-5f;
    NormProgram program = NormProgram::automatic;  // automatic: sharded iff the input is sharded
    // Interleaved program: the grid it may use (0 = the device's compute grid).
    uint32_t grid_x = 0, grid_y = 0;
    // Tiles per compute block (Dst use per step); 0 = chosen.
    uint32_t block_w = 0;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = false;
    std::optional<DType> out_dtype;  // unset = the input's
    // Output memory; unset = the input's (a sharded output may use another grid and shard).
    std::optional<MemoryConfig> out_mem;
};

struct NormPlan {
    NormProgram program = NormProgram::interleaved;
    bool rms = true;
    bool gamma = false, beta = false;
    uint32_t Mt = 0, Wt = 0;  // tile rows (batches folded) and tile columns
    uint32_t num_cores = 0;   // cores that compute
    uint32_t grid_x = 0, grid_y = 0;
    uint32_t rows_per_core = 0;    // tile rows per core (sharded: the shard height)
    uint32_t cols_per_core = 0;    // tile columns per core (sharded: the shard width)
    uint32_t block_w = 0;          // tiles per compute step
    uint32_t num_workers = 0;      // sharded: cores combining partial statistics
    uint32_t rows_per_worker = 0;  // sharded: tile rows each worker combines
    bool row_in_l1 = true;         // interleaved: a core holds a whole row (else re-reads it)
    bool reshard_out = false;      // sharded: the output lives on another grid/shard
    DType in_dtype = DType::bfloat16, out_dtype = DType::bfloat16;
    MemoryConfig in_mem, out_mem;
    uint64_t l1_bytes_per_core = 0, l1_budget = 0;
    std::string why;

    std::string describe() const;
};

// What the planner needs to know of the input (and of gamma/beta: their presence).
struct NormOperands {
    Shape x;
    DType x_dtype = DType::bfloat16;
    MemoryConfig x_mem;
    bool gamma = false, beta = false;
    bool rms = true;
};

// Chooses (or checks) a program. Throws std::invalid_argument when the inputs cannot run (the
// message names the rule): gamma/beta not [1, 1, W] bf16/float32, a sharded input that is not
// width-sharded with whole rows, an output shard that does not cover the tensor, or CBs that do
// not fit L1.
NormPlan plan_norm(tt::tt_metal::IDevice* device, const NormOperands& ops, const NormConfig& cfg);

// y = x / sqrt(mean(x^2) + eps) * gamma + beta, per row.
Tensor rms_norm(const Tensor& x, const std::optional<Tensor>& gamma = std::nullopt,
                const std::optional<Tensor>& beta = std::nullopt, const NormConfig& cfg = {},
                NormPlan* plan_out = nullptr);
// y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta, per row.
Tensor layer_norm(const Tensor& x, const std::optional<Tensor>& gamma = std::nullopt,
                  const std::optional<Tensor>& beta = std::nullopt, const NormConfig& cfg = {},
                  NormPlan* plan_out = nullptr);

// Distributed RMSNorm, part 1: per row, the sum of x^2 over this device's columns, as a
// [batch, rows, 32] tensor (one tile per tile row, the sum in column 0), bf16, in the input's
// memory kind (interleaved).
Tensor rms_norm_pre_all_gather(const Tensor& x, const NormConfig& cfg = {},
                               NormPlan* plan_out = nullptr);
// Part 2: `stats` holds the devices' part-1 tiles side by side ([batch, rows, 32 * devices], as an
// all-gather on the last dimension leaves them); `total_cols` is the full row width over all
// devices. y = x / sqrt(sum(stats)/total_cols + eps) * gamma.
Tensor rms_norm_post_all_gather(const Tensor& x, const Tensor& stats, uint32_t total_cols,
                                const std::optional<Tensor>& gamma = std::nullopt,
                                const NormConfig& cfg = {}, NormPlan* plan_out = nullptr);

}  // namespace tensim::ops
