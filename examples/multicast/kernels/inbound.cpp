// Receiver, inbound: makes room in CB c_0, tells the coordinator, and publishes the tile when the
// coordinator's go flag lands.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t coord_x = get_arg_val<uint32_t>(0);
    uint32_t coord_y = get_arg_val<uint32_t>(1);
    uint32_t ready_sem_id = get_arg_val<uint32_t>(2);
    uint32_t go_sem_id = get_arg_val<uint32_t>(3);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;

    cb_reserve_back(cb_id, 1);
    noc_semaphore_inc(get_noc_addr(coord_x, coord_y, get_semaphore(ready_sem_id)), 1);
    volatile tt_l1_ptr uint32_t* go =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(go_sem_id));
    noc_semaphore_wait(go, VALID);
    cb_push_back(cb_id, 1);
    noc_async_atomic_barrier();
}
