// The 64-bit NoC address kernels build (TT-Metal Wormhole encoding, noc_parameters.h): the local
// address in the low 36 bits, then 6-bit node ids: unicast x | y, multicast x_end | y_end |
// x_start | y_start.
#pragma once
#include <cstdint>
#include <utility>

#include "noc/noc.hpp"

namespace tensim::noc_addr {

constexpr int kLocalBits = 36;
constexpr int kNodeBits = 6;
constexpr uint64_t kNodeMask = (1u << kNodeBits) - 1;

constexpr uint64_t unicast(uint32_t x, uint32_t y, uint64_t local) {
    return (uint64_t(y) << (kLocalBits + kNodeBits)) | (uint64_t(x) << kLocalBits) | local;
}
constexpr uint64_t multicast(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end, uint64_t local) {
    return (uint64_t(x_start) << (kLocalBits + 2 * kNodeBits)) | (uint64_t(y_start) << (kLocalBits + 3 * kNodeBits)) |
           (uint64_t(x_end) << kLocalBits) | (uint64_t(y_end) << (kLocalBits + kNodeBits)) | local;
}
inline uint64_t local(uint64_t a) { return a & ((uint64_t(1) << kLocalBits) - 1); }
inline NocXY xy(uint64_t a) {
    return {int((a >> kLocalBits) & kNodeMask), int((a >> (kLocalBits + kNodeBits)) & kNodeMask)};
}
// {start, end} corners of a multicast rectangle.
inline std::pair<NocXY, NocXY> rect(uint64_t a) {
    return {{int((a >> (kLocalBits + 2 * kNodeBits)) & kNodeMask), int((a >> (kLocalBits + 3 * kNodeBits)) & kNodeMask)},
            {int((a >> kLocalBits) & kNodeMask), int((a >> (kLocalBits + kNodeBits)) & kNodeMask)}};
}

}  // namespace tensim::noc_addr
