// Core 0, writer: once core 1 says its CB has room, writes the tile into core 1's CB c_0 over the
// NoC and tells core 1 the data is there.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t receiver_x = get_arg_val<uint32_t>(0);
    uint32_t receiver_y = get_arg_val<uint32_t>(1);
    uint32_t ready_sem_id = get_arg_val<uint32_t>(2);  // on this core: core 1 has room
    uint32_t data_sem_id = get_arg_val<uint32_t>(3);   // on core 1: the tile has arrived
    constexpr uint32_t cb_id = tt::CBIndex::c_0;
    const uint32_t tile_bytes = get_tile_size(cb_id);

    volatile tt_l1_ptr uint32_t* ready_sem =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(ready_sem_id));
    cb_wait_front(cb_id, 1);
    noc_semaphore_wait(ready_sem, 1);
    noc_semaphore_set(ready_sem, 0);

    // Both cores place c_0 at the same L1 address, so the local address names the remote CB too.
    uint32_t l1_addr = get_read_ptr(cb_id);
    noc_async_write(l1_addr, get_noc_addr(receiver_x, receiver_y, l1_addr), tile_bytes);
    noc_async_write_barrier();
    noc_semaphore_inc(get_noc_addr(receiver_x, receiver_y, get_semaphore(data_sem_id)), 1);
    noc_async_atomic_barrier();
    cb_pop_front(cb_id, 1);
}
