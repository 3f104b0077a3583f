// tensim's 1D fabric router (TT-Metal's fabric_erisc_router.cpp, the Fabric ERISC Data Mover):
// one per Ethernet core a line or ring uses, facing one neighbour. It moves packets from its
// sender channels (worker channels 0..W-1 fed by Tensix workers on this chip, channel W fed by
// the partner router facing the other way: traffic passing through) over the link into the peer
// router's receiver channel, and handles what arrives in its own receiver channel: writes it to
// this chip's NoC when this chip is a destination, and hands it to the partner router when it
// travels on. Flow control is by packet counters on both sides:
//   worker -> router:     the worker bumps sender_packets(c) over the NoC; the router writes the
//                         number of the channel's packets the peer has completed into the
//                         worker's semaphore (credits back);
//   router -> peer:       the router sends the slot, then its packet count, over the link; the
//                         peer sends back how many receiver slots it has completed (written out
//                         or handed on), which frees both its receiver slot and our sender slot;
//   receiver -> partner:  a forwarded packet goes into the partner's channel W like a worker's.
// A sender slot is thus held for a whole round trip over the link: TT-Metal's Wormhole router
// returns a producer's credits on the receiver's completion, not when the packet leaves
// (fabric_erisc_router.cpp, run_sender_channel_step: send_credits_to_upstream_workers on
// completions when first-level acks are off), so one channel sustains at most its slots per
// round trip and a lone producer cannot fill the link.
// On a ring, packets that cross the dateline link (the one closing the ring in each direction)
// continue on virtual channel 1, with their own receiver and forwarding buffers: no cycle of full
// buffers can form round the ring (TT-Metal's datelines).
// Runs until the program's other kernels end (a persistent kernel). Channels are served round
// robin, one packet per visit; when nothing can move, the router sleeps until its L1 changes.
#include <cstdint>

#include "ethernet/dataflow_api.h"
#include "fabric/fabric_edm_packet_header.hpp"
#include "fabric/fabric_router_layout.h"
#include "fabric/tensim_fabric.h"

using namespace tensim::fabric_layout;
using tt::tt_fabric::PacketHeader;

namespace {

volatile uint32_t* word(uint32_t l1) {
    return reinterpret_cast<volatile uint32_t*>(tensim::kapi::fabric_l1_addr(l1));
}

// Sends the 16 B word at local `stage` to the same-offset word `dst` of the peer router.
void send_word(uint32_t stage, uint32_t dst) {
    internal_::eth_send_packet(0, stage >> 4, dst >> 4, 1);
}

// Performs what the header asks at this chip (the payload sits behind the header in `slot`).
void deliver(volatile PacketHeader* h, uint32_t payload) {
    const uint32_t size = h->payload_size_bytes;
    switch (h->noc_send_type) {
        case tt::tt_fabric::NOC_UNICAST_WRITE:
            noc_async_write(payload, h->noc_address[0], size);
            break;
        case tt::tt_fabric::NOC_UNICAST_SCATTER_WRITE: {
            uint32_t off = 0;
            for (uint32_t i = 0; i < h->num_chunks; ++i) {
                const uint32_t n = i + 1 < h->num_chunks ? h->chunk_size[i] : size - off;
                noc_async_write(payload + off, h->noc_address[i], n);
                off += n;
            }
            break;
        }
        case tt::tt_fabric::NOC_UNICAST_INLINE_WRITE:
            noc_inline_dw_write(h->noc_address[0], static_cast<uint32_t>(h->noc_address[1]));
            break;
        case tt::tt_fabric::NOC_UNICAST_ATOMIC_INC:
            if (h->flush) noc_async_write_barrier();  // earlier writes land before the signal
            noc_semaphore_inc(h->noc_address[0], h->atomic_val);
            break;
        case tt::tt_fabric::NOC_FUSED_UNICAST_ATOMIC_INC:
            noc_async_write(payload, h->noc_address[0], size);
            if (h->flush) noc_async_write_barrier();
            noc_semaphore_inc(h->noc_address[1], h->atomic_val);
            break;
        default:
            tensim::kapi::kernel_fail("fabric packet with an unknown NoC command");
    }
}

}  // namespace

void kernel_main() {
    const uint32_t base = get_arg_val<uint32_t>(kArgBase);
    const uint32_t slot_bytes = get_arg_val<uint32_t>(kArgSlotBytes);
    const uint32_t S = get_arg_val<uint32_t>(kArgSenderSlots);
    const uint32_t R = get_arg_val<uint32_t>(kArgReceiverSlots);
    const uint32_t W = get_arg_val<uint32_t>(kArgWorkerChannels);
    const uint32_t vcs = get_arg_val<uint32_t>(kArgVcs);
    const bool dateline = get_arg_val<uint32_t>(kArgDateline) != 0;
    const bool has_partner = get_arg_val<uint32_t>(kArgHasPartner) != 0;
    const uint32_t partner_x = get_arg_val<uint32_t>(kArgPartnerX);
    const uint32_t partner_y = get_arg_val<uint32_t>(kArgPartnerY);
    const uint32_t packet_cycles = get_arg_val<uint32_t>(kArgPacketCycles);
    const uint32_t channels = W + vcs;  // channel W + v: forwards on VC v from the partner

    for (uint32_t off = 0; off < kControlBytes; off += 4) *word(base + off) = 0;

    uint32_t taken[kMaxSenderChannels] = {};  // packets taken per sender channel
    uint32_t done[kMaxSenderChannels] = {};   // of those, completed by the peer (credited back)
    uint32_t tx_sent[kMaxVcs] = {};           // packets sent over the link, per VC
    uint32_t tx_done[kMaxVcs] = {};           // of those, completions from the peer processed
    // The sender channel of each packet in flight per VC (at most R), in send order: the peer
    // completes a VC's packets in order.
    constexpr uint32_t kMaxInFlight = 64;
    if (R > kMaxInFlight) tensim::kapi::kernel_fail("fabric receiver channel above 64 slots");
    uint8_t in_flight[kMaxVcs][kMaxInFlight] = {};
    uint32_t rx_done[kMaxVcs] = {};   // received packets handled, per VC
    uint32_t fwd_sent[kMaxVcs] = {};  // packets handed to the partner, per VC
    uint32_t next = 0, next_vc = 0;
    // Counters owed to the peer. They are cumulative, so one send carries every update so far;
    // they follow the data they count on the same TX queue. The router never waits for the queue
    // while it has other work (TT-Metal's EDM updates the peer's stream registers the same way,
    // without stalling on the payload).
    bool tx_count_due[kMaxVcs] = {}, rx_freed_due[kMaxVcs] = {};
    auto send_due = [&]() {
        for (uint32_t v = 0; v < vcs; ++v) {
            if (tx_count_due[v]) {
                *word(base + tx_count_stage(v)) = tx_sent[v];
                send_word(base + tx_count_stage(v), base + rx_packets_sent(v));
                tx_count_due[v] = false;
                return true;
            }
            if (rx_freed_due[v]) {
                *word(base + rx_freed_stage(v)) = rx_done[v];
                send_word(base + rx_freed_stage(v), base + tx_packets_freed(v));
                rx_freed_due[v] = false;
                return true;
            }
        }
        return false;
    };

    for (;;) {
        bool moved = false;
        // Completions from the peer: each frees the sender slot its packet came from; the
        // producer hears of it (a worker's semaphore, or the partner's word).
        for (uint32_t v = 0; v < vcs; ++v) {
            const uint32_t freed = *word(base + tx_packets_freed(v));
            if (freed == tx_done[v]) continue;
            uint32_t credited = 0;  // channels to credit, one bit each
            for (; tx_done[v] != freed; ++tx_done[v]) {
                const uint32_t c = in_flight[v][tx_done[v] % R];
                ++done[c];
                credited |= 1u << c;
            }
            for (uint32_t c = 0; c < channels; ++c) {
                if (!(credited & (1u << c))) continue;
                if (c < W) {
                    const uint32_t info = base + producer_info(c);
                    noc_inline_dw_write(get_noc_addr(*word(info), *word(info + 4), *word(info + 8)),
                                        done[c]);
                } else {
                    noc_inline_dw_write(
                        get_noc_addr(partner_x, partner_y, base + fwd_packets_freed(c - W)),
                        done[c]);
                }
            }
        }
        if (!eth_txq_is_busy()) moved = send_due();
        // One packet from the next sender channel that has one and whose VC has a free slot at
        // the peer. Packets cross the dateline onto VC 1 and stay there.
        for (uint32_t k = 0; !moved && !eth_txq_is_busy() && k < channels; ++k) {
            const uint32_t c = (next + k) % channels;
            if (*word(base + sender_packets(c)) == taken[c]) continue;
            const uint32_t v = dateline ? vcs - 1 : (c >= W ? c - W : 0);
            if (tx_sent[v] - *word(base + tx_packets_freed(v)) >= R) continue;
            const uint32_t slot = sender_slot(base, slot_bytes, S, c, taken[c] % S);
            const auto* h = reinterpret_cast<volatile PacketHeader*>(word(slot));
            const uint32_t bytes = align16(sizeof(PacketHeader) + h->payload_size_bytes);
            tensim::kapi::fabric_spend_cycles(packet_cycles);
            // Link addresses are plain L1 offsets, the same on both ends.
            internal_::eth_send_packet(
                0, slot >> 4,
                receiver_slot(base, slot_bytes, S, channels, R, v, tx_sent[v] % R) >> 4,
                bytes >> 4);
            in_flight[v][tx_sent[v] % R] = static_cast<uint8_t>(c);
            ++tx_sent[v];
            tx_count_due[v] = true;
            ++taken[c];
            next = c + 1;
            moved = true;
            break;
        }
        // The next received packet of a VC: delivered here, handed on, or both (multicast).
        for (uint32_t k = 0; k < vcs; ++k) {
            const uint32_t v = (next_vc + k) % vcs;
            if (*word(base + rx_packets_sent(v)) == rx_done[v]) continue;
            const uint32_t slot =
                receiver_slot(base, slot_bytes, S, channels, R, v, rx_done[v] % R);
            auto* h = reinterpret_cast<volatile PacketHeader*>(word(slot));
            const bool multicast = h->chip_send_type == tt::tt_fabric::CHIP_MULTICAST;
            const bool here = h->start_distance == 1;
            const bool onward = !here || (multicast && h->range > 1);
            if (onward && !has_partner)
                tensim::kapi::kernel_fail(
                    "fabric packet routed past the end of the line (its hop count is larger than "
                    "the chips in that direction)");
            if (onward && fwd_sent[v] - *word(base + fwd_packets_freed(v)) >= S) continue;
            tensim::kapi::fabric_spend_cycles(packet_cycles);
            const uint32_t payload = tensim::kapi::fabric_l1_addr(slot) + sizeof(PacketHeader);
            if (here) deliver(h, payload);
            if (onward) {
                if (here)
                    h->range = h->range - 1;  // multicast: the next chip is the new first
                else
                    h->start_distance = h->start_distance - 1;
                const uint32_t bytes = align16(sizeof(PacketHeader) + h->payload_size_bytes);
                noc_async_write(
                    tensim::kapi::fabric_l1_addr(slot),
                    get_noc_addr(partner_x, partner_y,
                                 sender_slot(base, slot_bytes, S, W + v, fwd_sent[v] % S)),
                    bytes);
                noc_semaphore_inc(get_noc_addr(partner_x, partner_y, base + sender_packets(W + v)),
                                  1);
                ++fwd_sent[v];
            }
            // TT-Metal's receiver tags a slot's writes with a transaction id and frees the slot
            // when they complete, without stalling the next packet; tensim's NoC copies the bytes
            // when a write issues, so the slot is free now.
            ++rx_done[v];
            rx_freed_due[v] = true;
            next_vc = v + 1;
            moved = true;
            break;
        }
        // Nothing else to do: send what is owed (waiting for the queue), else sleep until L1
        // changes.
        if (!moved && !send_due()) run_routing();
    }
}
