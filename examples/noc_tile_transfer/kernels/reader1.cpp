// Core 1, reader: reserves room in CB c_0, tells core 0, and publishes the tile once core 0 has
// written it.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t sender_x = get_arg_val<uint32_t>(0);
    uint32_t sender_y = get_arg_val<uint32_t>(1);
    uint32_t ready_sem_id = get_arg_val<uint32_t>(2);
    uint32_t data_sem_id = get_arg_val<uint32_t>(3);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;

    cb_reserve_back(cb_id, 1);
    noc_semaphore_inc(get_noc_addr(sender_x, sender_y, get_semaphore(ready_sem_id)), 1);
    volatile tt_l1_ptr uint32_t* data_sem =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(data_sem_id));
    noc_semaphore_wait(data_sem, 1);
    noc_semaphore_set(data_sem, 0);
    cb_push_back(cb_id, 1);
    noc_async_atomic_barrier();
}
