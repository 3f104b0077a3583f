// Streams `packets` packets of `bytes` into `slots` buffer slots of the peer ERISC's L1, one
// Ethernet channel per slot: a slot is reused once its receiver has released it, so up to `slots`
// packets are in flight.
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t base = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1);
    const uint32_t packets = get_arg_val<uint32_t>(2), slots = get_arg_val<uint32_t>(3);
    for (uint32_t i = 0; i < packets; ++i) {
        const uint32_t slot = i % slots;
        if (i >= slots) eth_wait_for_receiver_channel_done(slot);
        const uint32_t addr = base + slot * bytes;
        eth_send_bytes_over_channel(addr, addr, bytes, slot, bytes, bytes >> 4);
    }
    for (uint32_t slot = 0; slot < slots && slot < packets; ++slot)
        eth_wait_for_receiver_channel_done(slot);
}
