// Fabric bandwidth probe (TT-Metal's fabric EDM bandwidth test, tests/tt_metal/microbenchmarks/
// ethernet/fabric_edm_bandwidth_golden.csv): the sender streams `packets` packets of
// `payload_bytes` from its L1 into the receiver core's L1 (NoC unicast writes at the far end),
// unicast `start` hops away or multicast to `range` chips from there, then one atomic increment
// that the receivers wait for (the routers land it after the data). A receiver (packets = 0)
// only waits for it.
// Args: packets, payload_bytes, start, range, src_l1, dst_l1, done_sem id, receiver_x,
// receiver_y, then (sender) the fabric connection args.
#include <cstdint>

#include "dataflow_api.h"
#include "fabric/edm_fabric_worker_adapters.hpp"

using tt::tt_fabric::MulticastRoutingCommandHeader;
using tt::tt_fabric::PacketHeader;

void kernel_main() {
    std::size_t a = 0;
    const uint32_t packets = get_arg_val<uint32_t>(a++), payload = get_arg_val<uint32_t>(a++);
    const uint32_t start = get_arg_val<uint32_t>(a++), range = get_arg_val<uint32_t>(a++);
    const uint32_t src = get_arg_val<uint32_t>(a++), dst = get_arg_val<uint32_t>(a++);
    const uint32_t done = get_semaphore(get_arg_val<uint32_t>(a++));
    // Addresses a router writes for us are plain L1 offsets (tensim's kernel addresses are host
    // pointers, meaningful only on the core that holds them).
    const uint32_t done_offset = tensim::kapi::fabric_l1_offset(done);
    const uint32_t rx = get_arg_val<uint32_t>(a++), ry = get_arg_val<uint32_t>(a++);
    if (packets == 0) {
        noc_semaphore_wait(reinterpret_cast<volatile uint32_t*>(done), 1);
        return;
    }
    auto fabric = tt::tt_fabric::WorkerToFabricEdmSender::build_from_args(a);
    fabric.open();
    cb_reserve_back(tt::CBIndex::c_0, 1);
    const uint32_t header_addr = get_write_ptr(tt::CBIndex::c_0);
    auto* header = reinterpret_cast<volatile PacketHeader*>(header_addr);
    header->to_chip_multicast(
        MulticastRoutingCommandHeader{static_cast<uint8_t>(start), static_cast<uint8_t>(range)});
    for (uint32_t i = 0; i < packets; ++i) {
        fabric.wait_for_empty_write_slot();
        fabric.send_payload_without_header_non_blocking_from_address(src, payload);
        header->to_noc_unicast_write({get_noc_addr(rx, ry, dst)}, payload);
        fabric.send_payload_flush_non_blocking_from_address(header_addr, sizeof(PacketHeader));
    }
    fabric.wait_for_empty_write_slot();
    header->to_noc_unicast_atomic_inc({get_noc_addr(rx, ry, done_offset), 1});
    fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
    fabric.close();
}
