// The 64-bit NoC address kernels build (TT-Metal Wormhole encoding, noc_parameters.h): the local
// address in the low bits, then node ids: unicast x | y, multicast x_end | y_end | x_start |
// y_start. The bit positions are architecture data (noc.address_local_bits, noc.address_node_bits);
// the defaults are Wormhole's 36/6. Kernels build addresses through the kernel API, which asks the
// chip's layout (NocPort::address_layout), so a chip file with another layout works unchanged.
#pragma once
#include <cstdint>
#include <utility>

#include "noc/noc_xy.hpp"

namespace tensim {

struct NocAddressLayout {
    int local_bits = 36;  // bits; TTM noc_parameters.h NOC_ADDR_LOCAL_BITS
    int node_bits = 6;    // bits per node id; TTM noc_parameters.h NOC_ADDR_NODE_ID_BITS

    constexpr uint64_t node_mask() const { return (uint64_t(1) << node_bits) - 1; }
    constexpr int max_node() const { return static_cast<int>(node_mask()); }
    constexpr uint64_t unicast(uint32_t x, uint32_t y, uint64_t local) const {
        return (uint64_t(y) << (local_bits + node_bits)) | (uint64_t(x) << local_bits) | local;
    }
    constexpr uint64_t multicast(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end,
                                 uint64_t local) const {
        return (uint64_t(x_start) << (local_bits + 2 * node_bits)) |
               (uint64_t(y_start) << (local_bits + 3 * node_bits)) |
               (uint64_t(x_end) << local_bits) | (uint64_t(y_end) << (local_bits + node_bits)) |
               local;
    }
    constexpr uint64_t local(uint64_t a) const { return a & ((uint64_t(1) << local_bits) - 1); }
    constexpr NocXY xy(uint64_t a) const {
        return {int((a >> local_bits) & node_mask()),
                int((a >> (local_bits + node_bits)) & node_mask())};
    }
    // {start, end} corners of a multicast rectangle.
    constexpr std::pair<NocXY, NocXY> rect(uint64_t a) const {
        return {{int((a >> (local_bits + 2 * node_bits)) & node_mask()),
                 int((a >> (local_bits + 3 * node_bits)) & node_mask())},
                xy(a)};
    }
    constexpr bool operator==(const NocAddressLayout&) const = default;
};

}  // namespace tensim
