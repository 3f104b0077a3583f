// Models the SFPU (Tensix vector unit) arithmetic: what each unary and binary SFPU op computes on
// an fp32 Dst value, in precise mode and in approximate mode (APPROX / fast_and_approx).
// Abstracts away the SFPU instruction stream, LRegs and Dst addressing; costs are per-tile
// issue-bound estimates. Numbers: wormhole_params.md section 5 and calibration/sfpu.json where
// stated, otherwise instruction counts of a plausible kernel (each cost names its source).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tensim/kernel_api/tensim_abi.h"

namespace tensim::numerics {

// Unary SFPU ops: the kernel ABI's enum (tensim/kernel_api/tensim_abi.h), so a kernel's call
// reaches the SFPU as a value, not a name.
using SfpuOp = abi::SfpuOp;

// Operands of a parameterised op. `scalar` is the float operand of the *_scalar ops and fill.
// `param` carries what TT-Metalium passes as uint32: the power exponent (an integer), and the fp32
// bit patterns of relu_max's upper threshold, relu_min's lower threshold, leaky_relu's slope and
// elu's alpha.
struct SfpuArgs {
    float scalar = 0;
    uint32_t param = 0;
    uint32_t param1 = 0, param2 = 0;  // softplus: fp32 bits of 1/beta and of the threshold
};

// Applies `op` to one fp32 lane value as the SFPU would; `approx` selects approximate mode.
// Precise mode is correctly rounded (or within 1-2 ulp of fp32). Ops without a distinct
// approximate kernel give the precise result in both modes.
float sfpu_unary(SfpuOp op, float x, const SfpuArgs& args, bool approx);
// The same over one 32x32 tile (1024 values), in place.
void sfpu_unary_tile(SfpuOp op, float* tile, const SfpuArgs& args, bool approx);

// Binary SFPU ops on two Dst tiles (add_binary_tile, ...): result = a op b, where rsub is b - a.
// Comparisons give 1.0f or 0.0f.
using SfpuBinaryOp = abi::SfpuBinaryOp;
float sfpu_binary(SfpuBinaryOp op, float a, float b);
// a[i] = a[i] op b[i] over one tile.
void sfpu_binary_tile(SfpuBinaryOp op, float* a, const float* b);

const char* sfpu_op_name(SfpuOp op);
std::optional<SfpuOp> parse_sfpu_op(std::string_view name);
// Every unary op, in declaration order.
std::span<const SfpuOp> all_sfpu_ops();

// Cycles one 32x32 tile takes on the SFPU (issue-bound: 32 vectors of 32 lanes, 1 instruction
// per cycle), in approximate and precise mode, with where the numbers come from.
struct SfpuCost {
    uint32_t approx_cycles;
    uint32_t precise_cycles;
    const char* source;
};
SfpuCost sfpu_default_cost(SfpuOp op);

}  // namespace tensim::numerics
