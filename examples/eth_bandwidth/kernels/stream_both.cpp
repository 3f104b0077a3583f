// One ERISC of a link in the structure of TT-Metal's ERISC bandwidth benchmark: `slots` buffer
// slots per direction, each a packet followed by its 16 B sync word, sent together in one TX
// command (the word lands last, so a set word means the whole packet is there). The sender keeps
// at most slots - 1 packets in flight (a ring that keeps one slot empty); the receiver checks each
// packet's sequence number, clears the word and sends it back, which frees the slot. One polling
// loop runs both roles and never blocks on either, so the two directions stream at once: a
// blocking wait for the peer's next packet could hold up this side's own sends and acks.
// Args: base, bytes, packets, slots, side (0 or 1), sends, receives, result address.
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t base = tensim::kapi::eth_l1_ptr(get_arg_val<uint32_t>(0));
    const uint32_t bytes = get_arg_val<uint32_t>(1);
    const uint32_t packets = get_arg_val<uint32_t>(2), slots = get_arg_val<uint32_t>(3);
    const uint32_t side = get_arg_val<uint32_t>(4);
    const bool sends = get_arg_val<uint32_t>(5) != 0, receives = get_arg_val<uint32_t>(6) != 0;
    // tensim: the host's L1 offsets as addresses this kernel can dereference (TT-Metal kernels use
    // the offsets directly).
    auto* result = reinterpret_cast<volatile uint32_t*>(
        uintptr_t(tensim::kapi::eth_l1_ptr(get_arg_val<uint32_t>(7))));
    const uint32_t stride = bytes + sizeof(eth_channel_sync_t);
    // Side 0 sends from (and side 1 receives into) the first region, the other way the second.
    const uint32_t tx = base + side * slots * stride, rx = base + (1 - side) * slots * stride;
    auto sync = [&](uint32_t region, uint32_t s) {
        return reinterpret_cast<volatile eth_channel_sync_t*>(
            uintptr_t(region + s * stride + bytes));
    };
    auto next = [&](uint32_t p) { return p + 1 == slots ? 0 : p + 1; };
    for (uint32_t s = 0; s < slots; ++s) {
        sync(tx, s)->bytes_sent = 1;  // not free until the receiver's first ack
        sync(rx, s)->bytes_sent = 0;
    }
    uint32_t s_wr = 0, s_rd = 0, sent = 0, acked = 0, received = 0, r_slot = 0, errors = 0;
    while ((sends && acked < packets) || (receives && received < packets)) {
        bool progressed = false;
        if (sends && sent < packets && next(s_wr) != s_rd) {
            const uint32_t addr = tx + s_wr * stride;
            reinterpret_cast<volatile uint32_t*>(uintptr_t(addr))[0] = sent;  // the sequence number
            sync(tx, s_wr)->bytes_sent = bytes;
            // A send waits while the TX queue is busy (TT-Metal's benchmark spins on
            // eth_txq_is_busy before it).
            eth_send_bytes_over_channel_payload_only(addr, addr, stride, stride, stride >> 4);
            s_wr = next(s_wr);
            ++sent;
            progressed = true;
        }
        if (sends && acked < sent && sync(tx, s_rd)->bytes_sent == 0) {
            sync(tx, s_rd)->bytes_sent = 1;
            s_rd = next(s_rd);
            ++acked;
            progressed = true;
        }
        if (receives && received < packets && sync(rx, r_slot)->bytes_sent != 0) {
            const uint32_t addr = rx + r_slot * stride;
            if (reinterpret_cast<volatile uint32_t*>(uintptr_t(addr))[0] != received ||
                sync(rx, r_slot)->bytes_sent != bytes)
                ++errors;
            sync(rx, r_slot)->bytes_sent = 0;
            const uint32_t word = addr + bytes;
            eth_send_bytes_over_channel_payload_only(word, word, 16, 16, 1);
            r_slot = next(r_slot);
            ++received;
            progressed = true;
        }
        if (!progressed) run_routing();
    }
    result[0] = errors;
    result[1] = received;
}
