// in1 receiver and output writer (after TT-NN's
// reader_bmm_tile_layout_in1_receiver_writer_padding.cpp). Receives the in1 blocks the top core of
// its column (or the 1D sender) multicasts: make room in CB c_1, mark the receiver semaphore
// INVALID, increment the sender's semaphore, wait for VALID. Writes each finished output block from
// CB c_4 to the interleaved output, or (OUT_SHARDED) waits until the output sits in the core's
// shard. Padding tiles are not written.
#include <stdint.h>

#include "dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

namespace {
uint32_t valid_extent(uint32_t core_valid, uint32_t done, uint32_t block) {
    if (core_valid <= done) return 0;
    return core_valid - done < block ? core_valid - done : block;
}
}  // namespace

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in1_block_num_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_inner_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_w_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_h_dim = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_mcast_sender_noc_x = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_mcast_sender_noc_y = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_mcast_sender_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t in1_mcast_receiver_semaphore_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t batch = get_arg_val<uint32_t>(rt++);
    // writer
    const uint32_t out_tensor_addr = get_arg_val<uint32_t>(rt++);
    uint32_t out_tensor_start_tile_id = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_stride_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_stride_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_subblock_stride_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_subblock_stride_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_w_dim_block_stride = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_h_dim_block_stride = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_tile_count = get_arg_val<uint32_t>(rt++);
    const uint32_t out_num_subblocks_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_num_subblocks_h = get_arg_val<uint32_t>(rt++);
    const uint32_t MtNt = get_arg_val<uint32_t>(rt++);
    const uint32_t core_valid_h = get_arg_val<uint32_t>(rt++);
    const uint32_t core_valid_w = get_arg_val<uint32_t>(rt++);
#ifdef FUSE_BIAS
    // Fused bias: the [1, N] bias tensor's first tile row; this core's columns start at
    // bias_start_tile. Each output block gets its out_block_w bias tiles in CB c_3 (past the
    // tensor's last column: left as they are, their output columns are never written).
    const uint32_t bias_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t bias_start_tile = get_arg_val<uint32_t>(rt++);
    constexpr bool bias_is_dram = get_compile_time_arg_val(2) == 1;
    constexpr uint32_t cb_id_bias = 3;
    const uint32_t bias_tile_bytes = get_tile_size(cb_id_bias);
    const InterleavedAddrGenFast<bias_is_dram> sb = {.bank_base_address = bias_addr,
                                                     .page_size = bias_tile_bytes,
                                                     .data_format = get_dataformat(cb_id_bias)};
#endif

    constexpr bool out_is_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t cb_id_in1 = 1;
    constexpr uint32_t cb_id_out0 = 4;

    const uint32_t output_single_tile_size_bytes = get_tile_size(cb_id_out0);
    [[maybe_unused]] const InterleavedAddrGenFast<out_is_dram> s = {
        .bank_base_address = out_tensor_addr,
        .page_size = output_single_tile_size_bytes,
        .data_format = get_dataformat(cb_id_out0)};

    volatile tt_l1_ptr uint32_t* in1_mcast_receiver_semaphore_addr_ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in1_mcast_receiver_semaphore_addr);
    const uint64_t in1_mcast_sender_semaphore_noc_addr = get_noc_addr(
        in1_mcast_sender_noc_x, in1_mcast_sender_noc_y, in1_mcast_sender_semaphore_addr);

    const uint32_t out_block_h = out_subblock_h * out_num_subblocks_h;
    const uint32_t out_block_w = out_subblock_w * out_num_subblocks_w;
    for (uint32_t b = 0; b < batch; ++b) {
        uint32_t out_tensor_current_h_dim_block_tile_id = out_tensor_start_tile_id;
        for (uint32_t bh = 0; bh < num_blocks_h_dim; ++bh) {
            [[maybe_unused]] const uint32_t valid_h =
                valid_extent(core_valid_h, bh * out_block_h, out_block_h);
            uint32_t out_tensor_current_w_dim_block_tile_id =
                out_tensor_current_h_dim_block_tile_id;
            for (uint32_t bw = 0; bw < num_blocks_w_dim; ++bw) {
                [[maybe_unused]] const uint32_t valid_w =
                    valid_extent(core_valid_w, bw * out_block_w, out_block_w);
#ifdef FUSE_BIAS
                {
                    cb_reserve_back(cb_id_bias, out_block_w);
                    const uint32_t bias_l1 = get_write_ptr(cb_id_bias);
                    for (uint32_t j = 0; j < valid_w; ++j)
                        noc_async_read_tile(bias_start_tile + bw * out_block_w + j, sb,
                                            bias_l1 + j * bias_tile_bytes);
                    noc_async_read_barrier();
                    cb_push_back(cb_id_bias, out_block_w);
                }
#endif
                for (uint32_t block = 0; block < num_blocks_inner_dim; ++block) {
                    cb_reserve_back(cb_id_in1, in1_block_num_tiles);
                    noc_semaphore_set(in1_mcast_receiver_semaphore_addr_ptr, INVALID);
                    noc_semaphore_inc(in1_mcast_sender_semaphore_noc_addr, 1);
                    noc_semaphore_wait(in1_mcast_receiver_semaphore_addr_ptr, VALID);
                    cb_push_back(cb_id_in1, in1_block_num_tiles);
                }

#ifndef OUT_SHARDED
                uint32_t out_tensor_sbh_start_tile_id = out_tensor_current_w_dim_block_tile_id;
                for (uint32_t sbh = 0; sbh < out_num_subblocks_h; ++sbh) {
                    uint32_t out_tensor_sbw_start_tile_id = out_tensor_sbh_start_tile_id;
                    for (uint32_t sbw = 0; sbw < out_num_subblocks_w; ++sbw) {
                        uint32_t out_tensor_sb_row_start_tile_id = out_tensor_sbw_start_tile_id;
                        cb_wait_front(cb_id_out0, out_subblock_tile_count);
                        uint32_t l1_read_addr = get_read_ptr(cb_id_out0);
                        for (uint32_t h = 0; h < out_subblock_h; ++h) {
                            uint32_t out_tensor_tile_id = out_tensor_sb_row_start_tile_id;
                            for (uint32_t w = 0; w < out_subblock_w; ++w) {
                                if (sbh * out_subblock_h + h < valid_h &&
                                    sbw * out_subblock_w + w < valid_w)
                                    noc_async_write_tile(out_tensor_tile_id, s, l1_read_addr);
                                l1_read_addr += output_single_tile_size_bytes;
                                out_tensor_tile_id += out_tensor_stride_w;
                            }
                            out_tensor_sb_row_start_tile_id += out_tensor_stride_h;
                        }
                        noc_async_write_barrier();
                        cb_pop_front(cb_id_out0, out_subblock_tile_count);
                        out_tensor_sbw_start_tile_id += out_tensor_next_subblock_stride_w;
                    }
                    out_tensor_sbh_start_tile_id += out_tensor_next_subblock_stride_h;
                }
#endif
                out_tensor_current_w_dim_block_tile_id += out_tensor_next_w_dim_block_stride;
            }
            out_tensor_current_h_dim_block_tile_id += out_tensor_next_h_dim_block_stride;
        }
        out_tensor_start_tile_id += MtNt;
    }
#ifdef OUT_SHARDED
    cb_wait_front(cb_id_out0, batch * num_blocks_h_dim * num_blocks_w_dim * out_num_subblocks_h *
                                  out_num_subblocks_w * out_subblock_tile_count);
#endif
    noc_async_write_barrier();
}
