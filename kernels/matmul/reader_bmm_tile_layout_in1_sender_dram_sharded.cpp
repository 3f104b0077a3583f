// in1 reader and output writer of the DRAM-sharded matmul (after TT-NN's
// reader_bmm_tile_layout_in1_sender_dram_sharded.cpp). in1 is width-sharded over the DRAM banks:
// bank b holds a Kt x shard_w-tile slice, rows contiguous, at the buffer's address. This core sits
// next to its bank and streams one K step (in0_block_w full rows of the slice, contiguous bytes)
// per CB c_1 block; CB c_1 holds several blocks, so reads run ahead of compute. TT-NN keeps up to
// three blocks in flight with NoC transaction ids; without them this waits for each block.
// Writer: as in the 2D program (interleaved output, or OUT_SHARDED: the output CB is the shard).
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in1_tensor_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t dram_bank_id = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_block_num_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t num_blocks_inner_dim = get_arg_val<uint32_t>(rt++);
    // writer
    const uint32_t out_tensor_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_start_tile_id = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_stride_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_stride_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_subblock_stride_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_tensor_next_subblock_stride_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_h = get_arg_val<uint32_t>(rt++);
    const uint32_t out_subblock_tile_count = get_arg_val<uint32_t>(rt++);
    const uint32_t out_num_subblocks_w = get_arg_val<uint32_t>(rt++);
    const uint32_t out_num_subblocks_h = get_arg_val<uint32_t>(rt++);
    const uint32_t core_valid_h = get_arg_val<uint32_t>(rt++);
    const uint32_t core_valid_w = get_arg_val<uint32_t>(rt++);

    constexpr bool out_is_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t cb_id_in1 = 1;
    constexpr uint32_t cb_id_out0 = 4;

    const uint32_t in1_block_size_bytes = in1_block_num_tiles * get_tile_size(cb_id_in1);
    uint32_t in1_read_addr = in1_tensor_addr;
    for (uint32_t block = 0; block < num_blocks_inner_dim; ++block) {
        cb_reserve_back(cb_id_in1, in1_block_num_tiles);
        const uint32_t l1_write_addr_in1 = get_write_ptr(cb_id_in1);
        noc_async_read(get_noc_addr_from_bank_id<true>(dram_bank_id, in1_read_addr),
                       l1_write_addr_in1, in1_block_size_bytes);
        in1_read_addr += in1_block_size_bytes;
        noc_async_read_barrier();
        cb_push_back(cb_id_in1, in1_block_num_tiles);
    }

#ifndef OUT_SHARDED
    const uint32_t output_single_tile_size_bytes = get_tile_size(cb_id_out0);
    const InterleavedAddrGenFast<out_is_dram> s = {.bank_base_address = out_tensor_addr,
                                                   .page_size = output_single_tile_size_bytes,
                                                   .data_format = get_dataformat(cb_id_out0)};
    uint32_t out_tensor_sbh_start_tile_id = out_tensor_start_tile_id;
    for (uint32_t sbh = 0; sbh < out_num_subblocks_h; ++sbh) {
        uint32_t out_tensor_sbw_start_tile_id = out_tensor_sbh_start_tile_id;
        for (uint32_t sbw = 0; sbw < out_num_subblocks_w; ++sbw) {
            uint32_t out_tensor_sb_row_start_tile_id = out_tensor_sbw_start_tile_id;
            cb_wait_front(cb_id_out0, out_subblock_tile_count);
            uint32_t l1_read_addr = get_read_ptr(cb_id_out0);
            for (uint32_t h = 0; h < out_subblock_h; ++h) {
                uint32_t out_tensor_tile_id = out_tensor_sb_row_start_tile_id;
                for (uint32_t w = 0; w < out_subblock_w; ++w) {
                    if (sbh * out_subblock_h + h < core_valid_h &&
                        sbw * out_subblock_w + w < core_valid_w)
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
#else
    cb_wait_front(cb_id_out0, out_num_subblocks_h * out_num_subblocks_w * out_subblock_tile_count);
#endif
    noc_async_write_barrier();
}
