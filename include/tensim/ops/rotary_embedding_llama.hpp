// tensim::ops::rotary_embedding_llama: Llama's rotary position embedding as TT-NN runs it
// (ttnn/cpp/ttnn/operations/experimental/transformer/rotary_embedding_llama/): per tile of x,
// rotated = x T on the matrix engine with one transformation-matrix tile T (+-1 pair swaps), then
// out = x * cos + rotated * sin.
//   prefill: x [heads, S, head_dim] (TT-NN [1, heads, S, head_dim]; batch folds into heads),
//            cos/sin [1, S, head_dim], shared by every head;
//   decode:  x [users, heads, head_dim] (TT-NN [1, users, heads, head_dim], heads on a tile's
//            rows), cos/sin [users, 1, head_dim], each user's row broadcast over its heads.
// Work is split by tile rows of x over the grid (TT-NN's decode program puts one user per core,
// which is this split when users <= cores).
#pragma once
#include <cstdint>
#include <string>

#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct RotaryConfig {
    uint32_t grid_x = 0, grid_y = 0;  // 0 = the device's compute grid
    bool decode = false;
    MemoryConfig out_mem = MemoryConfig::dram_interleaved();
};

struct RotaryPlan {
    bool decode = false;
    uint32_t tile_rows = 0, head_dim_tiles = 0;
    uint32_t num_cores = 0, rows_per_core = 0;
    std::string why;
    std::string describe() const;
};

// The transformation matrix TT-NN's RotarySetup builds: T[2i][2i+1] = 1, T[2i+1][2i] = -1, as a
// [1, 32, 32] host tensor's data (row-major).
std::vector<float> rotary_transformation_matrix();

RotaryPlan plan_rotary_embedding_llama(tt::tt_metal::IDevice* device, const Shape& x,
                                       const Shape& cos, const RotaryConfig& config);

// x, cos, sin bfloat16 (or bfloat8_b) interleaved; trans_mat one 32x32 tile. Throws
// std::invalid_argument when shapes do not match the mode. Program name "rotary_embedding_llama".
Tensor rotary_embedding_llama(const Tensor& x, const Tensor& cos, const Tensor& sin,
                              const Tensor& trans_mat, const RotaryConfig& config = {},
                              RotaryPlan* plan_out = nullptr);

}  // namespace tensim::ops
