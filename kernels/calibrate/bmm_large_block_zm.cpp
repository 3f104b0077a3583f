// Blocked single-core matmul in the shape of TT-Metal's bmm_large_block_zm: the output is
// computed sub-block by sub-block (out_subblock_h x out_subblock_w tiles held in Dst), K is
// consumed in `num_blocks` blocks of in0_block_w tiles, and partial sums are carried between
// blocks either by spilling them to the intermediate CB and reloading them with copy_tile, or,
// with packer L1 accumulation, by packing each block's sums onto the previous ones in L1.
//
// Inputs sit in L1 before the kernel starts: in0 (CB c_0) holds one block of
// in0_num_subblocks * out_subblock_h rows x in0_block_w tiles, in1 (CB c_1) one block of
// in0_block_w x in1_per_core_w tiles, both row-major, and every K block reuses them. Partials
// go to CB c_24, the result to CB c_16 (the two share memory when their formats agree).
#include <cstdint>

#include "compute_kernel_api/matmul.h"
#include "compute_kernel_api/pack.h"
#include "compute_kernel_api/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(0);        // K tiles per block
    constexpr uint32_t in0_num_subblocks = get_compile_time_arg_val(1);  // Mt / out_subblock_h
    constexpr uint32_t in0_block_num_tiles = get_compile_time_arg_val(2);
    constexpr uint32_t in0_subblock_num_tiles =
        get_compile_time_arg_val(3);  // out_subblock_h * in0_block_w
    constexpr uint32_t in1_num_subblocks = get_compile_time_arg_val(4);  // Nt / out_subblock_w
    constexpr uint32_t in1_block_num_tiles = get_compile_time_arg_val(5);
    constexpr uint32_t in1_per_core_w = get_compile_time_arg_val(6);  // Nt
    constexpr uint32_t num_blocks = get_compile_time_arg_val(7);
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(8);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(9);
    constexpr uint32_t out_subblock_num_tiles = get_compile_time_arg_val(10);
    constexpr bool packer_l1_acc = get_compile_time_arg_val(11) != 0;
    constexpr bool use_matmul_block = get_compile_time_arg_val(12) != 0;
    // Packer L1 accumulation with the result in another format than the partials: the last block
    // also accumulates into c_24, then one pass copies the sums to c_16 in its format.
    constexpr bool copy_out = packer_l1_acc && get_compile_time_arg_val(13) != 0;
    constexpr uint32_t out_block_num_tiles =
        in0_num_subblocks * in1_num_subblocks * out_subblock_num_tiles;

    constexpr uint32_t in0_cb = tt::CBIndex::c_0;
    constexpr uint32_t in1_cb = tt::CBIndex::c_1;
    constexpr uint32_t out_cb = tt::CBIndex::c_16;
    constexpr uint32_t interm_cb = tt::CBIndex::c_24;
    // Partials in another format than the result (fp32 Dst, or bf16 under packer L1 accumulation)
    // need the packer reconfigured between them, as on silicon.
    constexpr bool pack_formats_differ = get_dataformat(interm_cb) != get_dataformat(out_cb);

    if constexpr (use_matmul_block)
        mm_block_init(in0_cb, in1_cb, interm_cb, false, out_subblock_w, out_subblock_h,
                      in0_block_w);
    else
        mm_init(in0_cb, in1_cb, interm_cb);
    cb_wait_front(in0_cb, in0_block_num_tiles);
    cb_wait_front(in1_cb, in1_block_num_tiles);

    bool enable_reload = false;
    for (uint32_t block = 0; block < num_blocks; ++block) {
        const bool last_out = block == num_blocks - 1;
        if constexpr (pack_formats_differ && !copy_out)
            if (last_out) PACK((pack_reconfig_data_format(interm_cb, out_cb)));
        if constexpr (packer_l1_acc) {
            // The first block's sums overwrite L1; later blocks add onto them.
            if (block == 0)
                pack_reconfig_l1_acc(0);
            else if (block == 1)
                pack_reconfig_l1_acc(1);
        }
        uint32_t in0_index_subblock_offset = 0;
        for (uint32_t in0_subblock = 0; in0_subblock < in0_num_subblocks; ++in0_subblock) {
            uint32_t in1_index_subblock_offset = 0;
            for (uint32_t in1_subblock = 0; in1_subblock < in1_num_subblocks; ++in1_subblock) {
                tile_regs_acquire();
                if (enable_reload) {
                    // The partials are unpacked in their own format, then SrcA goes back to in1's.
                    copy_tile_to_dst_init_short_with_dt(in1_cb, interm_cb);
                    cb_wait_front(interm_cb, out_subblock_num_tiles);
                    for (uint32_t i = 0; i < out_subblock_num_tiles; ++i)
                        copy_tile(interm_cb, i, i);
                    cb_pop_front(interm_cb, out_subblock_num_tiles);
                    if constexpr (use_matmul_block)
                        mm_block_init_short_with_dt(in0_cb, in1_cb, interm_cb, false,
                                                    out_subblock_w, out_subblock_h, in0_block_w);
                    else
                        mm_init_short_with_dt(in0_cb, in1_cb, interm_cb);
                }
                if constexpr (use_matmul_block) {
                    uint32_t in0_index = in0_index_subblock_offset;
                    uint32_t in1_index = in1_index_subblock_offset;
                    for (uint32_t k = 0; k < in0_block_w; ++k) {
                        matmul_block(in0_cb, in1_cb, in0_index, in1_index, 0, false, out_subblock_w,
                                     out_subblock_h, in0_block_w);
                        in0_index++;
                        in1_index += in1_per_core_w;
                    }
                } else {
                    uint32_t dst_index = 0;
                    uint32_t in0_index_h_offset = 0;
                    for (uint32_t h = 0; h < out_subblock_h; ++h) {
                        for (uint32_t w = 0; w < out_subblock_w; ++w) {
                            uint32_t in1_index_inner_dim_offset = 0;
                            for (uint32_t k = 0; k < in0_block_w; ++k) {
                                matmul_tiles(
                                    in0_cb, in1_cb,
                                    in0_index_subblock_offset + in0_index_h_offset + k,
                                    in1_index_subblock_offset + in1_index_inner_dim_offset + w,
                                    dst_index, false);
                                in1_index_inner_dim_offset += in1_per_core_w;
                            }
                            dst_index++;
                        }
                        in0_index_h_offset += in0_block_w;
                    }
                }
                tile_regs_commit();

                tile_regs_wait();
                const uint32_t target = last_out && !copy_out ? out_cb : interm_cb;
                cb_reserve_back(target, out_subblock_num_tiles);
                for (uint32_t i = 0; i < out_subblock_num_tiles; ++i) pack_tile(i, target);
                cb_push_back(target, out_subblock_num_tiles);
                tile_regs_release();
                in1_index_subblock_offset += out_subblock_w;
            }
            in0_index_subblock_offset += in0_subblock_num_tiles;
        }
        if constexpr (packer_l1_acc) {
            // The sums stay where they were packed: free the pages so the next block packs onto
            // them.
            if (!last_out) {
                cb_wait_front(interm_cb, out_block_num_tiles);
                cb_pop_front(interm_cb, out_block_num_tiles);
            }
        } else if (num_blocks > 1) {
            enable_reload = true;
        }
    }
    if constexpr (packer_l1_acc) pack_reconfig_l1_acc(0);
    if constexpr (copy_out) {
        copy_tile_to_dst_init_short_with_dt(in1_cb, interm_cb);
        if constexpr (pack_formats_differ) PACK((pack_reconfig_data_format(interm_cb, out_cb)));
        for (uint32_t s = 0; s < in0_num_subblocks * in1_num_subblocks; ++s) {
            tile_regs_acquire();
            cb_wait_front(interm_cb, out_subblock_num_tiles);
            for (uint32_t i = 0; i < out_subblock_num_tiles; ++i) copy_tile(interm_cb, i, i);
            cb_pop_front(interm_cb, out_subblock_num_tiles);
            tile_regs_commit();
            tile_regs_wait();
            cb_reserve_back(out_cb, out_subblock_num_tiles);
            for (uint32_t i = 0; i < out_subblock_num_tiles; ++i) pack_tile(i, out_cb);
            cb_push_back(out_cb, out_subblock_num_tiles);
            tile_regs_release();
        }
    }
}
