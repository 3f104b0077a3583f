// Issues `count` NoC reads or writes of `bytes` each between local L1 and one peer (another
// core's L1 or a DRAM bank), back to back, then waits on the barrier: the shape of TT-Metal's
// NoC estimator tests. Nothing precedes the first issue, so the kernel's duration minus the
// firmware's start cost is "first issue to barrier end".
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t peer_x =
        get_arg_val<uint32_t>(0);  // NoC0 x of the peer core, or the DRAM bank id
    const uint32_t peer_y = get_arg_val<uint32_t>(1);  // NoC0 y of the peer core (unused for DRAM)
    const uint32_t peer_addr = get_arg_val<uint32_t>(2);
    const uint32_t local_addr = get_arg_val<uint32_t>(3);
    const uint32_t bytes = get_arg_val<uint32_t>(4);
    const uint32_t count = get_arg_val<uint32_t>(5);
    constexpr bool is_write = get_compile_time_arg_val(0) != 0;
    constexpr bool peer_is_dram = get_compile_time_arg_val(1) != 0;

    const uint64_t peer = peer_is_dram ? get_noc_addr_from_bank_id<true>(peer_x, peer_addr)
                                       : get_noc_addr(peer_x, peer_y, peer_addr);
    for (uint32_t i = 0; i < count; ++i) {
        if constexpr (is_write)
            noc_async_write(local_addr, peer, bytes);
        else
            noc_async_read(peer, local_addr, bytes);
    }
    if constexpr (is_write)
        noc_async_write_barrier();
    else
        noc_async_read_barrier();
}
