// bf16 round-to-nearest-even of an fp32 bit pattern, without a branch, so loops over it vectorise
// (the tile encoders of sim/numerics and src/ops). A NaN keeps its sign and payload, made quiet.
#pragma once
#include <cstdint>

namespace tensim::numerics {

inline uint16_t bf16_rne_bits(uint32_t u) {
    const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    const uint32_t nan = (u >> 16) | 0x0040u;
    return static_cast<uint16_t>((u & 0x7fffffffu) > 0x7f800000u ? nan : rounded);
}

}  // namespace tensim::numerics
