// Fabric latency probe (TT-Metal's 1D fabric latency test, tests/tt_metal/microbenchmarks/
// ethernet/test_1d_fabric_latency.py): the initiator sends one packet `hops` chips away (an
// atomic increment, or a write fused with one when it carries a payload) and waits for the
// responder's answer, `iterations` times; it stores the mean round trip in cycles into its result
// semaphore. The responder answers each packet with one of its own.
// Args: initiator, hops, payload_bytes, src_l1, dst_l1, ping_sem id, result_sem id, iterations,
// peer_x, peer_y, then the fabric connection args.
#include <cstdint>

#include "dataflow_api.h"
#include "fabric/edm_fabric_worker_adapters.hpp"

using tt::tt_fabric::PacketHeader;

void kernel_main() {
    std::size_t a = 0;
    const bool initiator = get_arg_val<uint32_t>(a++) != 0;
    const uint32_t hops = get_arg_val<uint32_t>(a++), payload = get_arg_val<uint32_t>(a++);
    const uint32_t src = get_arg_val<uint32_t>(a++), dst = get_arg_val<uint32_t>(a++);
    const uint32_t ping = get_semaphore(get_arg_val<uint32_t>(a++));
    auto* result = reinterpret_cast<volatile uint32_t*>(get_semaphore(get_arg_val<uint32_t>(a++)));
    const uint32_t iterations = get_arg_val<uint32_t>(a++);
    const uint32_t peer_x = get_arg_val<uint32_t>(a++), peer_y = get_arg_val<uint32_t>(a++);
    auto fabric = tt::tt_fabric::WorkerToFabricEdmSender::build_from_args(a);
    fabric.open();
    cb_reserve_back(tt::CBIndex::c_0, 1);
    const uint32_t header_addr = get_write_ptr(tt::CBIndex::c_0);
    auto* header = reinterpret_cast<volatile PacketHeader*>(header_addr);
    // Addresses a router writes for us are plain L1 offsets.
    const uint64_t peer_sem = get_noc_addr(peer_x, peer_y, tensim::kapi::fabric_l1_offset(ping));
    // Inlined into both call sites, as TT-Metal's kernels force (FORCE_INLINE): called out of
    // line, every capture would be a load through the closure.
    auto send = [&]() __attribute__((always_inline)) {
        fabric.wait_for_empty_write_slot();
        header->to_chip_unicast(static_cast<uint8_t>(hops));
        if (payload) {
            fabric.send_payload_without_header_non_blocking_from_address(src, payload);
            header->to_noc_fused_unicast_write_atomic_inc(
                {get_noc_addr(peer_x, peer_y, dst), peer_sem, 1, 0xffff, false}, payload);
        } else {
            header->to_noc_unicast_atomic_inc({peer_sem, 1, 0xffff, false});
        }
        fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
    };
    auto* mine = reinterpret_cast<volatile uint32_t*>(ping);
    const uint64_t t0 = tensim::kapi::cycle_count();
    for (uint32_t i = 1; i <= iterations; ++i) {
        if (initiator) {
            send();
            noc_semaphore_wait_min(mine, i);
        } else {
            noc_semaphore_wait_min(mine, i);
            send();
        }
    }
    if (initiator) *result = static_cast<uint32_t>((tensim::kapi::cycle_count() - t0) / iterations);
    fabric.close();
}
