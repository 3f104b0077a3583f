// in0 receiver (after TT-NN's reader_bmm_tile_layout_in0_receiver.cpp): for every in0 block the
// sender multicasts, make room in CB c_0, mark the receiver semaphore INVALID, tell the sender
// (increment its sender semaphore) and wait until it multicasts VALID behind the data.
#include <stdint.h>

#include "dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in0_block_num_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_inner_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_w_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_h_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_sender_noc_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_sender_noc_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_sender_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t in0_mcast_receiver_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t batch = get_arg_val<uint32_t>(rt++);
    const bool is_worker = get_arg_val<uint32_t>(rt++) != 0;

    constexpr uint32_t cb_id_in0 = 0;

    volatile tt_l1_ptr uint32_t* in0_mcast_receiver_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0_mcast_receiver_semaphore_addr);
    const uint64_t in0_mcast_sender_semaphore_noc_addr = get_noc_addr(
        in0_mcast_sender_noc_x, in0_mcast_sender_noc_y, in0_mcast_sender_semaphore_addr);

    const uint32_t num_blocks = batch * num_blocks_h_dim * num_blocks_w_dim * num_blocks_inner_dim;
    for (uint32_t block = 0; block < num_blocks; ++block) {
        cb_reserve_back(cb_id_in0, in0_block_num_tiles);
        noc_semaphore_set(in0_mcast_receiver_semaphore_addr_ptr, INVALID);
        noc_semaphore_inc(in0_mcast_sender_semaphore_noc_addr, 1);
        noc_semaphore_wait(in0_mcast_receiver_semaphore_addr_ptr, VALID);
        cb_push_back(cb_id_in0, in0_block_num_tiles);
        if (!is_worker) {
            cb_wait_front(cb_id_in0, in0_block_num_tiles);
            cb_pop_front(cb_id_in0, in0_block_num_tiles);
        }
    }
}
