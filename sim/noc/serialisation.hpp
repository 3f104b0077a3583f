// The one serialisation rule: how long a resource of W B/cycle (a link, an NIU port, an L1 port)
// is held by a transfer. Every NoC-side timing asks these functions; DRAM channels keep their own
// sub-cycle accounting (dram.hpp), which is a different question (fractional service time).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/clock.hpp"

namespace tensim {

// What of a packet of P payload bytes occupies the resource:
// - whole_flits: what a router moves, one header flit plus ceil(P / flit) data flits;
// - header_and_payload: one header flit plus exactly P bytes. The NIU's estimates (when a write's
//   tail has left its NIU, when a read response may leave so that its tail follows the data)
//   have always used this; it equals whole_flits whenever the rate divides into flits evenly
//   (Wormhole's 32 B/cycle), and is kept so that no cycle count moves under other rates;
// - payload: the bytes alone (an L1 port streaming data into the NoC, no header).
enum class Framing { whole_flits, header_and_payload, payload };

constexpr uint64_t framed_bytes(uint64_t payload_bytes, uint32_t flit_bytes, Framing f) {
    switch (f) {
        case Framing::whole_flits:
            return (1 + (payload_bytes + flit_bytes - 1) / flit_bytes) * flit_bytes;
        case Framing::header_and_payload:
            return payload_bytes + flit_bytes;
        case Framing::payload:
            return payload_bytes;
    }
    return payload_bytes;
}

// Cycles `bytes` hold a resource of `bytes_per_cycle`: rounded up, at least one. The epsilon keeps
// e.g. 222 / 22.2 from rounding up to 11 through floating-point noise.
inline Cycle serialisation_cycles(uint64_t bytes, double bytes_per_cycle) {
    const double c = std::ceil(static_cast<double>(bytes) / bytes_per_cycle - 1e-9);
    return std::max<Cycle>(1, static_cast<Cycle>(c));
}

inline Cycle serialisation_cycles(uint64_t payload_bytes, uint32_t flit_bytes,
                                  double bytes_per_cycle, Framing f) {
    return serialisation_cycles(framed_bytes(payload_bytes, flit_bytes, f), bytes_per_cycle);
}

}  // namespace tensim
