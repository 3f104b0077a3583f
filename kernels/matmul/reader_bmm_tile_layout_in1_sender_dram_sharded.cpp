// in1 reader and output writer of the DRAM-sharded matmul (after TT-NN's
// reader_bmm_tile_layout_in1_sender_dram_sharded.cpp). in1 is width-sharded over the DRAM banks:
// bank b holds a Kt x shard_w-tile slice, rows contiguous, at the buffer's address. This core sits
// next to its bank and streams one K step (in0_block_w full rows of the slice, contiguous bytes)
// per CB c_1 block, as packets of in1_page_size bytes through the DRAM-sharded read state (bank,
// page size, VC programmed once). c_1 holds three blocks: block i goes to slot i % 3 tagged with
// transaction id i % 3 + 1, so up to three blocks are in flight while compute drains the oldest,
// and each block is pushed once the barrier on its own id returns (not on every read).
// Writer: as in the 2D program for an interleaved output; OUT_SHARDED: the real columns of the
// output CB (whose width may be padded for compute) are copied into the output shard, CB c_6.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in1_tensor_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t dram_bank_id = get_arg_val<uint32_t>(rt++);
    const uint32_t vc = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_page_size = get_arg_val<uint32_t>(rt++);
    const uint32_t in1_num_pages = get_arg_val<uint32_t>(rt++);  // per block
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
    // re-shard: the output shard's core and width in tiles
    [[maybe_unused]] const uint32_t out_shard_noc_x = get_arg_val<uint32_t>(rt++);
    [[maybe_unused]] const uint32_t out_shard_noc_y = get_arg_val<uint32_t>(rt++);
    [[maybe_unused]] const uint32_t out_shard_w = get_arg_val<uint32_t>(rt++);
#ifdef FUSE_BIAS
    // Fused bias: the [1, N] bias tensor's first tile row; this core's columns start at
    // bias_start_tile. Each output block gets its out_block_w bias tiles in CB c_3 (past the
    // tensor's last column: left as they are, their output columns are never written).
    const uint32_t bias_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t bias_start_tile = get_arg_val<uint32_t>(rt++);
    [[maybe_unused]] constexpr bool bias_is_dram = get_compile_time_arg_val(2) == 1;
    constexpr uint32_t cb_id_bias = 3;
    const uint32_t bias_tile_bytes = get_tile_size(cb_id_bias);
    const InterleavedAddrGenFast<bias_is_dram> sb = {.bank_base_address = bias_addr,
                                                     .page_size = bias_tile_bytes,
                                                     .data_format = get_dataformat(cb_id_bias)};
#endif

    constexpr bool out_is_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t cb_id_in1 = 1;
    constexpr uint32_t cb_id_out0 = 4;
    constexpr uint32_t num_slots = 3;  // blocks c_1 holds, and transaction ids 1..3 in use

#ifdef FUSE_BIAS
    {
        cb_reserve_back(cb_id_bias, out_num_subblocks_w * out_subblock_w);
        const uint32_t bias_l1 = get_write_ptr(cb_id_bias);
        for (uint32_t j = 0; j < core_valid_w; ++j)
            noc_async_read_tile(bias_start_tile + 0 + j, sb, bias_l1 + j * bias_tile_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_id_bias, out_num_subblocks_w * out_subblock_w);
    }
#endif
    const uint32_t in1_block_size_bytes = in1_block_num_tiles * get_tile_size(cb_id_in1);
    const uint32_t in1_base = noc_async_read_tile_dram_sharded_set_state<true>(
        in1_tensor_addr, in1_page_size, dram_bank_id, vc);
    const uint32_t slots_addr = get_write_ptr(cb_id_in1);  // slot 0: c_1 starts empty
    uint32_t in1_read_offset = 0;
    uint32_t issued = 0, pushed = 0;
    while (pushed < num_blocks_inner_dim) {
        // Issue the next block when a slot is free: block until one is when nothing is in flight,
        // else only if compute has already freed the slot (otherwise wait for the oldest block).
        const uint32_t in_flight = issued - pushed;
        const bool can_issue =
            issued < num_blocks_inner_dim && in_flight < num_slots &&
            (in_flight == 0 ||
             cb_pages_reservable_at_back(cb_id_in1, (in_flight + 1) * in1_block_num_tiles));
        if (can_issue) {
            if (in_flight == 0) cb_reserve_back(cb_id_in1, in1_block_num_tiles);
            const uint32_t trid = issued % num_slots + 1;
            uint32_t l1_write_addr = slots_addr + (issued % num_slots) * in1_block_size_bytes;
            for (uint32_t page = 0; page < in1_num_pages; ++page) {
                noc_async_read_tile_dram_sharded_with_state_with_trid(in1_base, in1_read_offset,
                                                                      l1_write_addr, trid);
                in1_read_offset += in1_page_size;
                l1_write_addr += in1_page_size;
            }
            ++issued;
            continue;
        }
        noc_async_read_barrier_with_trid(pushed % num_slots + 1);
        if (in_flight > 1) cb_reserve_back(cb_id_in1, in_flight * in1_block_num_tiles);
        cb_push_back(cb_id_in1, in1_block_num_tiles);
        ++pushed;
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
    // The output CB holds the (possibly padded) compute block row by row; copy each row's real
    // tiles into the output shard (CB c_6, the shard's L1), as TT-NN's writer re-shards.
    constexpr uint32_t cb_id_out_reshard = 6;
    const uint32_t out_tile_bytes = get_tile_size(cb_id_out0);
    const uint32_t block_w = out_num_subblocks_w * out_subblock_w;
    cb_wait_front(cb_id_out0, out_num_subblocks_h * out_num_subblocks_w * out_subblock_tile_count);
    uint32_t l1_read_addr = get_read_ptr(cb_id_out0);
    uint64_t shard_addr =
        get_noc_addr(out_shard_noc_x, out_shard_noc_y, get_write_ptr(cb_id_out_reshard));
    for (uint32_t h = 0; core_valid_w && h < out_num_subblocks_h * out_subblock_h; ++h) {
        noc_async_write(l1_read_addr, shard_addr, core_valid_w * out_tile_bytes);
        l1_read_addr += block_w * out_tile_bytes;
        shard_addr += out_shard_w * out_tile_bytes;
    }
#endif
    (void)core_valid_h;
    noc_async_write_barrier();
}
