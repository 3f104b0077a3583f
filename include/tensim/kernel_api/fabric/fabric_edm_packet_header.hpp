// The 1D TT-Fabric packet header (TT-Metal's tt::tt_fabric::PacketHeader,
// tt_metal/api/tt-metalium/fabric_edm_packet_header.hpp): how far a packet travels along the line
// or ring (unicast to the chip `distance` hops away, or multicast to `range` chips starting
// `start` hops away) and what the router at each destination does with it on its NoC (write the
// payload, increment a semaphore, both, or scatter the payload over up to four addresses).
// Modelled: the fields a router needs and the 48 B size of the 1D header on Wormhole
// (tech_reports/CCLs/CCL_bandwidth.md). Abstracted: the exact bit layout (tensim's own).
#pragma once
#include <cstdint>

namespace tt::tt_fabric {

enum NocSendType : uint8_t {
    NOC_UNICAST_WRITE = 0,
    NOC_UNICAST_INLINE_WRITE = 1,
    NOC_UNICAST_ATOMIC_INC = 2,
    NOC_FUSED_UNICAST_ATOMIC_INC = 3,
    NOC_UNICAST_SCATTER_WRITE = 4,
};
enum ChipSendType : uint8_t { CHIP_UNICAST = 0, CHIP_MULTICAST = 1 };

constexpr uint32_t NOC_SCATTER_WRITE_MAX_CHUNKS = 4;

struct NocUnicastCommandHeader {
    uint64_t noc_address;
};
struct NocUnicastInlineWriteCommandHeader {
    uint64_t noc_address;
    uint32_t value;
};
struct NocUnicastAtomicIncCommandHeader {
    uint64_t noc_address;
    uint16_t val;
    uint16_t wrap = 0xffff;
    bool flush = true;
};
struct NocUnicastAtomicIncFusedCommandHeader {
    uint64_t noc_address;
    uint64_t semaphore_noc_address;
    uint16_t val;
    uint16_t wrap = 0xffff;
    bool flush = true;
};
// Chunks 0..n-2 have the given sizes; the last chunk takes the rest of the payload.
struct NocUnicastScatterCommandHeader {
    uint64_t noc_address[NOC_SCATTER_WRITE_MAX_CHUNKS];
    uint16_t chunk_size[NOC_SCATTER_WRITE_MAX_CHUNKS - 1];
};
struct MulticastRoutingCommandHeader {
    uint8_t start_distance_in_hops;
    uint8_t range_hops;
};

struct PacketHeader {
    NocSendType noc_send_type;
    ChipSendType chip_send_type;
    uint8_t start_distance;  // unicast: hops to the destination; multicast: hops to the first
    uint8_t range;           // multicast: chips written from the first on (unicast: 1)
    uint16_t payload_size_bytes;
    uint8_t num_chunks;  // scatter write
    uint8_t flush;       // atomic increments: the data before it has landed first
    uint64_t noc_address[NOC_SCATTER_WRITE_MAX_CHUNKS];  // [1] is the semaphore of a fused write
    uint16_t chunk_size[NOC_SCATTER_WRITE_MAX_CHUNKS - 1];
    uint16_t atomic_val;

    volatile PacketHeader* to_chip_unicast(uint8_t distance_in_hops) volatile {
        chip_send_type = CHIP_UNICAST;
        start_distance = distance_in_hops;
        range = 1;
        return this;
    }
    volatile PacketHeader* to_chip_multicast(const MulticastRoutingCommandHeader& m) volatile {
        chip_send_type = CHIP_MULTICAST;
        start_distance = m.start_distance_in_hops;
        range = m.range_hops;
        return this;
    }
    volatile PacketHeader* to_noc_unicast_write(const NocUnicastCommandHeader& h,
                                                uint32_t payload_size) volatile {
        noc_send_type = NOC_UNICAST_WRITE;
        noc_address[0] = h.noc_address;
        payload_size_bytes = static_cast<uint16_t>(payload_size);
        // A payload past 65535 B cannot be described; the send checks the size against the slot.
        if (payload_size > 0xffff) payload_size_bytes = 0xffff;
        return this;
    }
    volatile PacketHeader* to_noc_unicast_inline_write(
        const NocUnicastInlineWriteCommandHeader& h) volatile {
        noc_send_type = NOC_UNICAST_INLINE_WRITE;
        noc_address[0] = h.noc_address;
        noc_address[1] = h.value;  // the value travels in the second address slot
        payload_size_bytes = 0;
        return this;
    }
    volatile PacketHeader* to_noc_unicast_atomic_inc(
        const NocUnicastAtomicIncCommandHeader& h) volatile {
        noc_send_type = NOC_UNICAST_ATOMIC_INC;
        noc_address[0] = h.noc_address;
        atomic_val = h.val;
        flush = h.flush;
        payload_size_bytes = 0;
        return this;
    }
    volatile PacketHeader* to_noc_fused_unicast_write_atomic_inc(
        const NocUnicastAtomicIncFusedCommandHeader& h, uint32_t payload_size) volatile {
        noc_send_type = NOC_FUSED_UNICAST_ATOMIC_INC;
        noc_address[0] = h.noc_address;
        noc_address[1] = h.semaphore_noc_address;
        atomic_val = h.val;
        flush = h.flush;
        payload_size_bytes = static_cast<uint16_t>(payload_size > 0xffff ? 0xffff : payload_size);
        return this;
    }
    volatile PacketHeader* to_noc_unicast_scatter_write(const NocUnicastScatterCommandHeader& h,
                                                        uint32_t payload_size,
                                                        uint32_t chunks = 2) volatile {
        noc_send_type = NOC_UNICAST_SCATTER_WRITE;
        num_chunks = static_cast<uint8_t>(chunks);
        for (uint32_t i = 0; i < NOC_SCATTER_WRITE_MAX_CHUNKS; ++i)
            noc_address[i] = h.noc_address[i];
        for (uint32_t i = 0; i + 1 < NOC_SCATTER_WRITE_MAX_CHUNKS; ++i)
            chunk_size[i] = h.chunk_size[i];
        payload_size_bytes = static_cast<uint16_t>(payload_size > 0xffff ? 0xffff : payload_size);
        return this;
    }
    uint32_t get_payload_size_excluding_header() const volatile { return payload_size_bytes; }
    static constexpr uint32_t header_size_bytes() { return 48; }
};
static_assert(sizeof(PacketHeader) == 48, "the 1D fabric header is 48 B on Wormhole");

using LowLatencyPacketHeader = PacketHeader;

}  // namespace tt::tt_fabric

namespace tt::fabric {
using tt::tt_fabric::PacketHeader;
}
