// tensim::ops::add / sub / mul: eltwise binary ops with an optional unary activation fused on input
// A (TT-NN's `input_tensor_a_activation`: the decode MLP's SiLU(x) * y), run with TT-NN's
// eltwise binary program: a reader, a compute kernel (the activation on A through Dst into an
// interim CB, then the FPU op) and a writer per core. Inputs sharded alike (L1, the decode form;
// the output may overwrite A in place) or interleaved (tiles split over the grid).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "tensim/host/data_format.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

enum class BinaryOp { add, sub, mul };
std::string binary_op_name(BinaryOp op);  // "add", "sub", "mul"

struct BinaryConfig {
    // Applied to A before the op: "" (none), "silu", "relu", "gelu", "sigmoid", "exp", "tanh",
    // "square", "abs".
    std::string input_a_activation;
    std::optional<DType> out_dtype;       // unset = A's
    std::optional<MemoryConfig> out_mem;  // unset = A's
    bool in_place = false;                // the result overwrites A (returned as the output)
    uint32_t grid_x = 0, grid_y = 0;      // interleaved: the grid it may use (0 = the device's)
    MathFidelity math_fidelity = MathFidelity::HiFi4;
};

struct BinaryPlan {
    BinaryOp op = BinaryOp::add;
    std::string activation;
    bool sharded = false;
    uint32_t num_tiles = 0;  // output tiles
    uint32_t num_cores = 0;
    uint32_t grid_x = 0;          // interleaved: the rectangle's width (cores fill it row-major)
    uint32_t tiles_per_core = 0;  // the largest share (sharded: the shard)
    uint32_t block = 0;           // tiles per compute step
    DType out_dtype = DType::bfloat16;
    MemoryConfig out_mem;
    std::string why;
    std::string describe() const;
};

// Throws std::invalid_argument for shapes that differ, operands on different memory layouts,
// an unknown activation, or an in-place request whose output would not fit A's buffer.
BinaryPlan plan_binary(tt::tt_metal::IDevice* device, BinaryOp op, const Shape& shape,
                       const MemoryConfig& a_mem, const MemoryConfig& b_mem, DType a_dtype,
                       const BinaryConfig& cfg);

Tensor binary(const Tensor& a, const Tensor& b, BinaryOp op, const BinaryConfig& cfg = {},
              BinaryPlan* plan_out = nullptr);
Tensor add(const Tensor& a, const Tensor& b, const BinaryConfig& cfg = {},
           BinaryPlan* plan_out = nullptr);
Tensor sub(const Tensor& a, const Tensor& b, const BinaryConfig& cfg = {},
           BinaryPlan* plan_out = nullptr);
Tensor mul(const Tensor& a, const Tensor& b, const BinaryConfig& cfg = {},
           BinaryPlan* plan_out = nullptr);

}  // namespace tensim::ops
