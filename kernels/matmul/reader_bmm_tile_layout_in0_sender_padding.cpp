// in0 sender, in0 interleaved in DRAM or L1 (after TT-NN's
// reader_bmm_tile_layout_in0_sender_padding.cpp). Reads this core's in0 blocks (out_block_h rows x
// in0_block_w tiles, one per K step, again for every output block across) into CB c_0 and, when
// in0_mcast_num_dests > 0, multicasts each block to the cores of a rectangle (which may contain
// this core: it is then not written, as without loopback). Before each multicast it waits until
// every receiver has incremented this core's sender semaphore (its CB has room), and behind the
// data it multicasts VALID into their receiver semaphore. Rows past the tensor's last tile row
// (padding of the last core's block) are not read.
#include <stdint.h>

#include "dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in0_tensor_addr = get_arg_val<uint32_t>(rt++);
    uint32_t in0_tensor_start_tile_id = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_tensor_stride_w = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_tensor_stride_h = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_tensor_next_inner_dim_block_stride = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_tensor_next_h_dim_block_stride = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_block_w = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_block_h = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_block_num_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_inner_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_w_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_h_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t core_valid_h =
        get_arg_val<uint32_t>(rt++);  // tile rows of this core's share that exist
    const uint32_t in0_mcast_dest_noc_start_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_start_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_end_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_dest_noc_end_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_num_dests = get_arg_val<uint32_t>(rt++);
    const uint32_t in0_mcast_sender_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t in0_mcast_receiver_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t MtKt = get_arg_val<uint32_t>(rt++);
    const uint32_t batch = get_arg_val<uint32_t>(rt++);

    constexpr bool in0_is_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t cb_id_in0 = 0;

    const uint32_t in0_single_tile_size_bytes = get_tile_size(cb_id_in0);
    const uint32_t in0_block_size_bytes = in0_block_num_tiles * in0_single_tile_size_bytes;
    const DataFormat in0_data_format = get_dataformat(cb_id_in0);
    const InterleavedAddrGenFast<in0_is_dram> s0 = {.bank_base_address = in0_tensor_addr,
                                                    .page_size = in0_single_tile_size_bytes,
                                                    .data_format = in0_data_format};

    // This core's receiver semaphore holds VALID: it is the source of the flag multicast.
    volatile tt_l1_ptr uint32_t* in0_mcast_receiver_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0_mcast_receiver_semaphore_addr);
    *(in0_mcast_receiver_semaphore_addr_ptr) = VALID;
    volatile tt_l1_ptr uint32_t* in0_mcast_sender_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0_mcast_sender_semaphore_addr);
    const uint64_t in0_multicast_data_noc =
        get_noc_multicast_addr(in0_mcast_dest_noc_start_x, in0_mcast_dest_noc_start_y,
                               in0_mcast_dest_noc_end_x, in0_mcast_dest_noc_end_y, 0);
    const uint64_t in0_mcast_receiver_semaphore_noc_addr =
        in0_multicast_data_noc | in0_mcast_receiver_semaphore_addr;

    for (uint32_t b = 0; b < batch; ++b) {
        uint32_t in0_tensor_current_h_dim_block_tile_id = in0_tensor_start_tile_id;
        for (uint32_t bh = 0; bh < num_blocks_h_dim; ++bh) {
            // Rows of this output block that exist; the rest of the CB block is padding.
            const uint32_t done_h = bh * in0_block_h;
            const uint32_t valid_h =
                core_valid_h > done_h
                    ? (core_valid_h - done_h < in0_block_h ? core_valid_h - done_h : in0_block_h)
                    : 0;
            for (uint32_t bw = 0; bw < num_blocks_w_dim; ++bw) {
                uint32_t in0_tensor_current_inner_dim_block_start_tile_id =
                    in0_tensor_current_h_dim_block_tile_id;
                for (uint32_t block = 0; block < num_blocks_inner_dim; ++block) {
                    cb_reserve_back(cb_id_in0, in0_block_num_tiles);
                    uint32_t l1_write_addr_in0 = get_write_ptr(cb_id_in0);
                    const uint32_t in0_start_address = l1_write_addr_in0;

                    uint32_t in0_tensor_row_start_tile_id =
                        in0_tensor_current_inner_dim_block_start_tile_id;
                    for (uint32_t h = 0; h < in0_block_h; ++h) {
                        uint32_t in0_tensor_tile_id = in0_tensor_row_start_tile_id;
                        for (uint32_t w = 0; w < in0_block_w; ++w) {
                            if (h < valid_h)
                                noc_async_read_tile(in0_tensor_tile_id, s0, l1_write_addr_in0);
                            l1_write_addr_in0 += in0_single_tile_size_bytes;
                            in0_tensor_tile_id += in0_tensor_stride_w;
                        }
                        in0_tensor_row_start_tile_id += in0_tensor_stride_h;
                    }
                    in0_tensor_current_inner_dim_block_start_tile_id +=
                        in0_tensor_next_inner_dim_block_stride;
                    noc_async_read_barrier();

                    if (in0_mcast_num_dests > 0) {
                        // Every receiver has room for the block: reset the count for the next one.
                        noc_semaphore_wait(in0_mcast_sender_semaphore_addr_ptr,
                                           in0_mcast_num_dests);
                        noc_semaphore_set(in0_mcast_sender_semaphore_addr_ptr, 0);
                        noc_async_write_multicast(in0_start_address,
                                                  in0_multicast_data_noc | in0_start_address,
                                                  in0_block_size_bytes, in0_mcast_num_dests, true);
                        // Same NoC, same VC: the flag lands after the data.
                        noc_semaphore_set_multicast(in0_mcast_receiver_semaphore_addr,
                                                    in0_mcast_receiver_semaphore_noc_addr,
                                                    in0_mcast_num_dests);
                        // The multicast reads these CB pages: they must have left before compute
                        // frees them.
                        noc_async_writes_flushed();
                    }
                    cb_push_back(cb_id_in0, in0_block_num_tiles);
                }
            }
            in0_tensor_current_h_dim_block_tile_id += in0_tensor_next_h_dim_block_stride;
        }
        in0_tensor_start_tile_id += MtKt;
    }
    noc_async_write_barrier();
}
