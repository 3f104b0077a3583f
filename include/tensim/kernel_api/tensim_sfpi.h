// The SFPI emulation's calls into the simulator (sfpi.h and the LLK SFPU helpers wrap them).
// Lane arithmetic runs inside the kernel; the simulator hands out Dst tiles of the math thread's
// half, says whether Dst holds fp32 or bf16, and charges the instructions a call to an SFPU
// function issued, counted per class (the classes of the ISA's VectorUnit.md).
#pragma once
#include <cstdint>

#include "tensim_kernel.h"

namespace tensim::abi {

// Wormhole SFPU instruction classes as priced by the architecture file ("sfpu"."sfpi").
enum class SfpiClass : uint8_t {
    load,    // SFPLOAD: 32 datums of Dst into an LReg
    store,   // SFPSTORE: an LReg into Dst
    loadi,   // SFPLOADI: an immediate (a float or int constant) into an LReg
    simple,  // one-cycle lanewise ops: abs, setsgn, exexp, and/or/xor, shifts, casts, mov, iadd
    mad,     // the MAD unit: add, mul, mad, addi, muli, lut (latency 2)
    cc,      // lane predication: setcc, pushc, popc, compc, encc
    face,    // the params helper's Dst address step between faces (SETRWC)
};
inline constexpr int kSfpiClasses = 7;
struct SfpiCounts {
    uint32_t n[kSfpiClasses] = {};
};

}  // namespace tensim::abi

namespace tensim::kapi {

// Dst tile `idst` (1024 floats in tile order: 4 faces of 16 rows x 16) of the half the math
// thread owns; a KernelError naming `loc` when the half is not acquired or idst is beyond it.
float* sfpi_dst_tile(uint32_t idst, const Loc& loc);
// Whether Dst keeps fp32 (fp32_dest_acc_en, or a numerics mode in fp32); otherwise SFPSTORE
// rounds each datum to bf16.
bool sfpi_dst_fp32();
// The SFPU time of the instructions in `counts`, on the math thread.
void sfpi_run(const abi::SfpiCounts& counts, const Loc& loc);

}  // namespace tensim::kapi
