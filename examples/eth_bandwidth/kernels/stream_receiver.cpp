// Takes the sender's packets slot by slot and releases each slot as soon as it has arrived.
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t bytes = get_arg_val<uint32_t>(1);
    const uint32_t packets = get_arg_val<uint32_t>(2), slots = get_arg_val<uint32_t>(3);
    for (uint32_t i = 0; i < packets; ++i) {
        const uint32_t slot = i % slots;
        eth_wait_for_bytes_on_channel(bytes, slot);
        eth_receiver_channel_done(slot);
    }
}
