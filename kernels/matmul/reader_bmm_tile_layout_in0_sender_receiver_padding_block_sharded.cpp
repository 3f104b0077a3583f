// in0 from L1 shards (after TT-NN's
// reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp). Every core of a multicast
// group runs this kernel; the group's cores hold in0 as shards of in0_block_h tile rows by
// shard_width_in_tiles K tiles (the K slices in order, one per shard core). For each K step the
// core whose shard holds it is the sender: it waits until every other core of the group has room
// (they increment its sender semaphore), multicasts the block with loopback into every group core's
// CB c_0 (itself included) and multicasts VALID behind it. When the block is narrower than the
// shard, its rows are not contiguous: the sender first gathers them into its CB with local NoC
// reads. A group of one core just copies its blocks into its CB. A core that computes nothing
// (is_worker 0) frees each block at once, so its CB pointers keep step with the workers' (a sender
// writes at its own pointer on every core).
#include <stdint.h>

#include "dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t shard_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t shard_width_in_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_block_w = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_block_h = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_inner_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_per_shard = get_arg_val<uint32_t>(rt++);
    const uint32_t my_shard = get_arg_val<uint32_t>(rt++);  // which K slice this core holds, or ~0
    rt++;  // number of shards (senders): the length of the coordinate list below
    const uint32_t in0_mcast_dest_noc_start_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_start_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_end_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_end_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_num_cores =
        get_arg_val<uint32_t>(rt++);  // the group, this core included
    const uint32_t in0_mcast_sender_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t in0_mcast_receiver_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const bool is_worker = get_arg_val<uint32_t>(rt++) != 0;
    const uint32_t sender_coords_arg = rt;  // then num_shards (x, y) NoC coordinates

    constexpr uint32_t cb_id_in0 = 0;
    const uint32_t in0_single_tile_size_bytes = get_tile_size(cb_id_in0);
    const uint32_t in0_block_num_tiles = in0_block_h * in0_block_w;
    const uint32_t in0_block_size_bytes = in0_block_num_tiles * in0_single_tile_size_bytes;
    const uint32_t shard_row_bytes = shard_width_in_tiles * in0_single_tile_size_bytes;
    const uint32_t block_row_bytes = in0_block_w * in0_single_tile_size_bytes;
    const bool extract_shard_sub_blocks = num_blocks_per_shard > 1 || in0_mcast_num_cores == 1;

    volatile tt_l1_ptr uint32_t* in0_mcast_receiver_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0_mcast_receiver_semaphore_addr);
    noc_semaphore_set(in0_mcast_receiver_semaphore_addr_ptr, VALID);
    volatile tt_l1_ptr uint32_t* in0_mcast_sender_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0_mcast_sender_semaphore_addr);
    const uint64_t in0_multicast_data_noc =
        get_noc_multicast_addr(in0_mcast_dest_noc_start_x, in0_mcast_dest_noc_start_y,
                               in0_mcast_dest_noc_end_x, in0_mcast_dest_noc_end_y, 0);

    for (uint32_t block = 0; block < num_blocks_inner_dim; ++block) {
        const uint32_t sender = block / num_blocks_per_shard;
        cb_reserve_back(cb_id_in0, in0_block_num_tiles);
        const uint32_t l1_write_addr_in0 = get_write_ptr(cb_id_in0);

        if (sender == my_shard) {
            uint32_t src = shard_addr + (block % num_blocks_per_shard) * block_row_bytes;
            if (extract_shard_sub_blocks) {
                uint32_t dst = l1_write_addr_in0;
                for (uint32_t h = 0; h < in0_block_h; ++h) {
                    noc_async_read(get_noc_addr(src), dst, block_row_bytes);
                    src += shard_row_bytes;
                    dst += block_row_bytes;
                }
                noc_async_read_barrier();
                src = l1_write_addr_in0;
            }
            if (in0_mcast_num_cores > 1) {
                noc_semaphore_wait(in0_mcast_sender_semaphore_addr_ptr, in0_mcast_num_cores - 1);
                noc_semaphore_set(in0_mcast_sender_semaphore_addr_ptr, 0);
                noc_async_write_multicast_loopback_src(
                    src, in0_multicast_data_noc | l1_write_addr_in0, in0_block_size_bytes,
                    in0_mcast_num_cores, true);
                noc_semaphore_set_multicast_loopback_src(
                    in0_mcast_receiver_semaphore_addr,
                    in0_multicast_data_noc | in0_mcast_receiver_semaphore_addr,
                    in0_mcast_num_cores);
                noc_async_writes_flushed();
            }
        } else {
            const uint32_t sx = get_arg_val<uint32_t>(sender_coords_arg + 2 * sender);
            const uint32_t sy = get_arg_val<uint32_t>(sender_coords_arg + 2 * sender + 1);
            noc_semaphore_set(in0_mcast_receiver_semaphore_addr_ptr, INVALID);
            noc_semaphore_inc(get_noc_addr(sx, sy, in0_mcast_sender_semaphore_addr), 1);
        }
        noc_semaphore_wait(in0_mcast_receiver_semaphore_addr_ptr, VALID);
        cb_push_back(cb_id_in0, in0_block_num_tiles);
        if (!is_worker) {
            cb_wait_front(cb_id_in0, in0_block_num_tiles);
            cb_pop_front(cb_id_in0, in0_block_num_tiles);
        }
    }
    noc_async_write_barrier();
}
