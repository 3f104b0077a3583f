// Where a tensim fabric router (kernels/fabric/fabric_erisc_router.cpp) keeps its state in ERISC
// L1, from a base the host chooses (the same on both ends of a link, so a router addresses its
// peer's buffers with its own offsets). Shared by the router, the worker adapter
// (edm_fabric_worker_adapters.hpp) and the host builder (src/fabric/fabric.cpp). tensim's layout;
// TT-Metal's EDM keeps the same things (per-channel buffer slots, packet counters, credit words,
// the connected worker's location) at addresses its builder computes.
//
// Every word the link writes is 16 B aligned (Ethernet moves 16 B words). Channels 0..W-1 take
// packets from workers on this chip, channel W from the partner router of the opposite direction
// (packets passing through this chip); the receiver channel takes packets from the link.
#pragma once
#include <cstdint>

namespace tensim::fabric_layout {

constexpr uint32_t kMaxSenderChannels = 6;  // up to 4 worker channels + one forwarding per VC
constexpr uint32_t kMaxVcs = 2;
// Per virtual channel v (a ring's packets move to VC 1 when they cross its dateline link, which
// breaks the ring's cycle of buffers that could otherwise deadlock, as in TT-Metal's ring fabric):
// written by the peer router over the link:
constexpr uint32_t rx_packets_sent(uint32_t v) { return 16 * v; }        // in our receiver slots
constexpr uint32_t tx_packets_freed(uint32_t v) { return 32 + 16 * v; }  // credits for our sends
// Staging words for counters we send over the link (it copies 16 B words from L1):
constexpr uint32_t tx_count_stage(uint32_t v) { return 64 + 16 * v; }
constexpr uint32_t rx_freed_stage(uint32_t v) { return 96 + 16 * v; }
// Per sender channel c: packets its producer has written (producers increment over the NoC).
constexpr uint32_t sender_packets(uint32_t c) { return 128 + 16 * c; }
// Per sender channel c: its producer's location {noc x, noc y, L1 offset of the word where the
// router reports how many packets it has taken}, written when the producer opens the connection.
constexpr uint32_t producer_info(uint32_t c) { return 224 + 16 * c; }
// Per VC, written by the partner router: packets of ours its forwarding channel has taken.
constexpr uint32_t fwd_packets_freed(uint32_t v) { return 320 + 16 * v; }
constexpr uint32_t kControlBytes = 384;

constexpr uint32_t align16(uint32_t b) { return (b + 15) / 16 * 16; }

// Runtime args of the router kernel, in order.
enum RouterArg : uint32_t {
    kArgBase = 0,        // L1 offset of the control block; buffers follow it
    kArgSlotBytes,       // bytes per buffer slot: header + max payload, 16 B aligned
    kArgSenderSlots,     // slots per sender channel
    kArgReceiverSlots,   // slots per receiver channel (one per VC)
    kArgWorkerChannels,  // W; sender channel W + v forwards VC v
    kArgVcs,             // 1 (line) or 2 (ring)
    kArgDateline,        // 1: this router's link is the ring's dateline (packets move to VC 1)
    kArgHasPartner,      // 1: a router of the opposite direction on this chip takes forwards
    kArgPartnerX,        // its NoC coordinates
    kArgPartnerY,
    kArgPacketCycles,  // firmware cycles per packet sent or received
    kArgCount
};

// The L1 offset of slot `i` of sender channel `c` / of VC v's receiver channel.
constexpr uint32_t sender_slot(uint32_t base, uint32_t slot_bytes, uint32_t sender_slots,
                               uint32_t c, uint32_t i) {
    return base + kControlBytes + (c * sender_slots + i) * slot_bytes;
}
constexpr uint32_t receiver_slot(uint32_t base, uint32_t slot_bytes, uint32_t sender_slots,
                                 uint32_t num_sender_channels, uint32_t receiver_slots, uint32_t v,
                                 uint32_t i) {
    return base + kControlBytes +
           (num_sender_channels * sender_slots + v * receiver_slots + i) * slot_bytes;
}

}  // namespace tensim::fabric_layout
