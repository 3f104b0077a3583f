// Both directions on one ERISC: sends `packets` packets into the peer's slots on channels
// side*slots.. while taking the peer's packets on channels (1-side)*slots.., interleaving the two
// so that neither stream waits on the other.
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t base = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1);
    const uint32_t packets = get_arg_val<uint32_t>(2), slots = get_arg_val<uint32_t>(3);
    const uint32_t side = get_arg_val<uint32_t>(5);
    const uint32_t out_ch = side * slots, in_ch = (1 - side) * slots;
    uint32_t sent = 0, received = 0;
    while (sent < packets || received < packets) {
        if (sent < packets) {
            const uint32_t slot = sent % slots;
            if (sent < slots || eth_is_receiver_channel_send_done(out_ch + slot)) {
                const uint32_t addr = base + slot * bytes;
                eth_send_bytes_over_channel(addr, addr, bytes, out_ch + slot, bytes, bytes >> 4);
                ++sent;
                continue;
            }
        }
        if (received < packets) {
            const uint32_t slot = received % slots;
            eth_wait_for_bytes_on_channel(bytes, in_ch + slot);
            eth_receiver_channel_done(in_ch + slot);
            ++received;
        }
    }
    for (uint32_t slot = 0; slot < slots && slot < packets; ++slot)
        eth_wait_for_receiver_channel_done(out_ch + slot);
}
