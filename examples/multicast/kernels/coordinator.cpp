// Coordinator: reads one tile from DRAM, waits until every receiver has room, multicasts the tile
// to the receivers' CB c_0 and then flips their "go" semaphore with a second multicast.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t start_x = get_arg_val<uint32_t>(0);
    uint32_t start_y = get_arg_val<uint32_t>(1);
    uint32_t end_x = get_arg_val<uint32_t>(2);
    uint32_t end_y = get_arg_val<uint32_t>(3);
    uint32_t num_dests = get_arg_val<uint32_t>(4);
    uint32_t src_addr = get_arg_val<uint32_t>(5);
    uint32_t ready_sem_id = get_arg_val<uint32_t>(6);
    uint32_t go_sem_id = get_arg_val<uint32_t>(7);

    constexpr uint32_t cb_id = tt::CBIndex::c_0;
    const uint32_t tile_bytes = get_tile_size(cb_id);
    const InterleavedAddrGenFast<true> src = {.bank_base_address = src_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_id)};

    uint32_t l1_addr = get_write_ptr(cb_id);
    noc_async_read_tile(0, src, l1_addr);
    noc_async_read_barrier();

    volatile tt_l1_ptr uint32_t* ready =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(ready_sem_id));
    noc_semaphore_wait(ready, num_dests);

    uint64_t tile_mcast = get_noc_multicast_addr(start_x, start_y, end_x, end_y, l1_addr);
    noc_async_write_multicast(l1_addr, tile_mcast, tile_bytes, num_dests);

    // The go flag travels behind the tile on the same NoC path, so it arrives after it.
    volatile tt_l1_ptr uint32_t* go =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(go_sem_id));
    *go = VALID;
    uint64_t go_mcast =
        get_noc_multicast_addr(start_x, start_y, end_x, end_y, get_semaphore(go_sem_id));
    noc_semaphore_set_multicast(get_semaphore(go_sem_id), go_mcast, num_dests);
    noc_async_write_barrier();
    DPRINT << "multicast one tile to " << num_dests << " cores" << ENDL();
}
