// Sustained-bandwidth traffic from one core: `transactions` reads, writes or multicasts of `bytes`
// each, round-robin over its peers (other cores' L1, or DRAM banks), then one barrier. The local
// and remote addresses walk through their spans so a stream touches fresh memory, as TT-Metal's
// data-movement tests do; nothing precedes the first issue, so the kernel's duration minus the
// firmware's start cost is "first issue to barrier end".
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    constexpr uint32_t op = get_compile_time_arg_val(0);  // 0 read, 1 write, 2 multicast
    constexpr bool peer_is_dram = get_compile_time_arg_val(1) != 0;
    // Writes on a static VC (TT-Metal's NOC_UNICAST_WRITE_VC) or on VCs the routers pick.
    constexpr uint32_t write_vc =
        get_compile_time_arg_val(2) != 0 ? NOC_DYNAMIC_VC : NOC_UNICAST_WRITE_VC;
    constexpr uint32_t kMaxPeers = 160;
    const uint32_t local_addr = get_arg_val<uint32_t>(0);
    const uint32_t local_span = get_arg_val<uint32_t>(1);
    const uint32_t remote_addr = get_arg_val<uint32_t>(2);
    const uint32_t remote_span = get_arg_val<uint32_t>(3);
    const uint32_t bytes = get_arg_val<uint32_t>(4);
    const uint32_t transactions = get_arg_val<uint32_t>(5);
    uint32_t num_peers = get_arg_val<uint32_t>(6);
    if (num_peers > kMaxPeers) num_peers = kMaxPeers;

    // Read/write peers: (NoC0 x, NoC0 y), or (bank id, 0) for DRAM. Multicast: one rectangle
    // (x0, y0, x1, y1 in NoC0 coordinates, number of destinations, sender included).
    uint32_t px[kMaxPeers], py[kMaxPeers];
    uint32_t mx0 = 0, my0 = 0, mx1 = 0, my1 = 0, num_dests = 0;
    bool loopback = false;
    if constexpr (op == 2) {
        mx0 = get_arg_val<uint32_t>(7);
        my0 = get_arg_val<uint32_t>(8);
        mx1 = get_arg_val<uint32_t>(9);
        my1 = get_arg_val<uint32_t>(10);
        num_dests = get_arg_val<uint32_t>(11);
        loopback = get_arg_val<uint32_t>(12) != 0;
        num_peers = 1;
    } else {
        for (uint32_t p = 0; p < num_peers; ++p) {
            px[p] = get_arg_val<uint32_t>(7 + 2 * p);
            py[p] = get_arg_val<uint32_t>(8 + 2 * p);
        }
    }

    uint32_t local_off = 0, remote_off = 0, p = 0;
    for (uint32_t i = 0; i < transactions; ++i) {
        const uint32_t local = local_addr + local_off;
        const uint32_t remote = remote_addr + remote_off;
        if constexpr (op == 2) {
            const uint64_t dst = get_noc_multicast_addr(mx0, my0, mx1, my1, remote);
            if (loopback)
                noc_async_write_multicast_loopback_src(local, dst, bytes, num_dests);
            else
                noc_async_write_multicast(local, dst, bytes, num_dests);
        } else {
            const uint64_t peer = peer_is_dram ? get_noc_addr_from_bank_id<true>(px[p], remote)
                                               : get_noc_addr(px[p], py[p], remote);
            if constexpr (op == 0)
                noc_async_read(peer, local, bytes);
            else
                noc_async_write(local, peer, bytes, noc_index, write_vc);
        }
        local_off += bytes;
        if (local_off + bytes > local_span) local_off = 0;
        if (++p == num_peers) {
            p = 0;
            remote_off += bytes;
            if (remote_off + bytes > remote_span) remote_off = 0;
        }
    }
    if constexpr (op == 0)
        noc_async_read_barrier();
    else
        noc_async_write_barrier();
}
