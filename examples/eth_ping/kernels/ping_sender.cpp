// Sends one packet of `bytes` from this ERISC's L1 into the peer ERISC's L1 at the same address,
// then waits until the receiver says it is done (the handshake returns over the link).
#include "ethernet/dataflow_api.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1);
    eth_send_bytes(addr, addr, bytes, bytes, bytes >> 4);
    eth_wait_for_receiver_done();
}
