// tt-metal include name: SFPI and the LLK SFPU helpers (tensim emulation).
#pragma once
#include "llk_math_eltwise_binary_sfpu_params.h"
#include "llk_math_eltwise_unary_sfpu_params.h"
#include "sfpi.h"

// SFPU kernels name SFPI's types unqualified, as tt-metal's ckernel headers let them.
namespace ckernel {
using namespace sfpi;
}  // namespace ckernel
