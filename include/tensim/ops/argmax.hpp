// tensim::ops::argmax: TT-NN's argmax over the last dimension (ttnn.argmax(x, dim=-1,
// keepdim=True, use_multicore=True)), the greedy sampling of tt_transformers' decode: one token
// id per row (per user). The vocabulary's tile columns are split over the cores as TT-NN's
// multicore argmax splits the reduction dimension; each core reads its tiles of the TILE-layout
// logits (TT-NN's tile-layout argmax reader), keeps a per-row (max, index), and sends it to a
// reducer core (NoC write + semaphore increment), which combines them and writes the ids.
// Ties: the smallest index wins (a core keeps the first of equal maxima; the reducer prefers the
// smaller index on equal values), as TT-NN's argmax_common.hpp defines.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensim/ops/row_major.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct ArgmaxConfig {
    uint32_t max_cores = 0;  // 0: the whole compute grid
    tt::tt_metal::BufferType output = tt::tt_metal::BufferType::DRAM;
};

struct ArgmaxPlan {
    uint32_t num_cores = 0;
    uint32_t tiles_per_core = 0;  // tile columns of the largest share
    std::string why;
    std::string describe() const;
};

// x: bfloat16 [batch, rows, cols], TILE layout, interleaved. Returns uint32 ids, one row of
// batch * rows ids (the next step's embedding input). Throws std::invalid_argument otherwise.
RowMajorTensor argmax(const Tensor& x, const ArgmaxConfig& cfg = {},
                      ArgmaxPlan* plan_out = nullptr);
// The same over logits split along the last dimension into pieces read in place (the LM head's
// column splits; TT-NN concatenates them first, a copy tensim has no op for yet). Indices count
// across the pieces in order.
inline constexpr size_t kMaxArgmaxPieces = 16;
RowMajorTensor argmax(const std::vector<Tensor>& pieces, const ArgmaxConfig& cfg = {},
                      ArgmaxPlan* plan_out = nullptr);

}  // namespace tensim::ops
