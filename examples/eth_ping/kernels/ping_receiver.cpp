// Waits for the sender's bytes and releases it.
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t bytes = get_arg_val<uint32_t>(1);
    eth_wait_for_bytes(bytes);
    eth_receiver_done();
}
