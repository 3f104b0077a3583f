// Compute kernel of the op layer's matmul programs (2D, 1D and DRAM-sharded), after TT-Metal's
// ttnn/.../matmul/device/kernels/compute/bmm_large_block_zm_fused_bias_activation.cpp.
//
// FUSE_BIAS: the last K step packs into the partials CB (accumulating in L1 under PACKER_L1_ACC)
// instead of the output; then each subblock of partials gets the bias row added (row broadcast from
// CB c_3, out_block_w tiles per output block) and is packed into the output. ACTIVATION_{RELU,SILU,
// GELU}: the SFPU applies the activation on Dst just before the final pack (after the bias when
// both are fused). TT-NN applies ReLU in the packer (PACK_RELU); here it is an SFPU pass.
//
// A core's output is computed in num_blocks_h_dim x num_blocks_w_dim output blocks; each block
// walks K in num_blocks_inner_dim steps of in0_block_w tiles, and within a step every
// out_subblock_h x out_subblock_w subblock is accumulated in Dst with matmul_block. Partial sums
// are carried between K steps in the partials CB: without PACKER_L1_ACC they are packed and
// reloaded into Dst every step; with it the packer adds each step's sums onto the previous ones in
// L1 (steps 1 .. n-2) and only the last step reloads them, so its result lands in the output CB in
// the output format. The partials CB may share its L1 with the output CB (same format), which is
// why the first K step reserves the output pages before packing partials over them.
//
// CBs: c_0 in0 block, c_1 in1 block, c_4 output, c_5 partials.
#include <cstdint>

#include "compute_kernel_api/matmul.h"
#include "compute_kernel_api/pack.h"
#include "compute_kernel_api/tile_move_copy.h"
#ifdef FUSE_BIAS
#include "compute_kernel_api/bcast.h"
#endif
#if defined ACTIVATION_RELU or defined ACTIVATION_SILU or defined ACTIVATION_GELU
#include "compute_kernel_api/eltwise_unary/activations.h"
#define FUSE_ACTIVATION 1
#endif

// The fused activation on Dst tiles [0, n).
inline void activation_init() {
#if defined ACTIVATION_RELU
    relu_tile_init();
#elif defined ACTIVATION_SILU
    silu_tile_init();
#elif defined ACTIVATION_GELU
    gelu_tile_init();
#endif
}
inline void apply_activation([[maybe_unused]] uint32_t n) {
#ifdef FUSE_ACTIVATION
    for (uint32_t i = 0; i < n; ++i) {
#if defined ACTIVATION_RELU
        relu_tile(i);
#elif defined ACTIVATION_SILU
        silu_tile(i);
#else
        gelu_tile(i);
#endif
    }
#endif
}

namespace NAMESPACE {

// Partial sums of one subblock back into Dst; then the unpacker is set up for matmul again.
inline void reload_from_cb_to_dst(uint32_t in0_cb_id, uint32_t in1_cb_id,
                                  uint32_t mm_partials_cb_id, uint32_t out_subblock_num_tiles,
                                  uint32_t out_subblock_w, uint32_t out_subblock_h,
                                  uint32_t in0_block_w) {
    copy_tile_to_dst_init_short_with_dt(in1_cb_id, mm_partials_cb_id);
    cb_wait_front(mm_partials_cb_id, out_subblock_num_tiles);
    copy_block_matmul_partials(mm_partials_cb_id, 0, 0, out_subblock_num_tiles);
    cb_pop_front(mm_partials_cb_id, out_subblock_num_tiles);
    // TT-Metal: mm_block_init_short_with_dt(in0, in1, partials, false, w, h, in0_block_w), which
    // tensim's compute API lacks; the same two steps spelled out:
    mm_block_init_short(in0_cb_id, in1_cb_id, false, out_subblock_w, out_subblock_h, in0_block_w);
    reconfig_data_format_srca(mm_partials_cb_id, in1_cb_id);
}

void MAIN {
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(0);  // K tiles per step
    constexpr uint32_t in0_num_subblocks =
        get_compile_time_arg_val(1);  // out_block_h / out_subblock_h
    constexpr uint32_t in0_block_num_tiles =
        get_compile_time_arg_val(2);  // out_block_h * in0_block_w
    constexpr uint32_t in0_subblock_num_tiles =
        get_compile_time_arg_val(3);  // out_subblock_h * in0_block_w
    constexpr uint32_t in1_num_subblocks =
        get_compile_time_arg_val(4);  // out_block_w / out_subblock_w
    constexpr uint32_t in1_block_num_tiles =
        get_compile_time_arg_val(5);                                  // in0_block_w * out_block_w
    constexpr uint32_t in1_per_core_w = get_compile_time_arg_val(6);  // out_block_w
    constexpr uint32_t num_blocks_inner_dim = get_compile_time_arg_val(7);  // K steps
    constexpr uint32_t num_blocks_w_dim = get_compile_time_arg_val(8);      // output blocks across
    constexpr uint32_t num_blocks_h_dim = get_compile_time_arg_val(9);      // output blocks down
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(10);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(11);
    constexpr uint32_t out_subblock_num_tiles = get_compile_time_arg_val(12);
    constexpr uint32_t batch = get_compile_time_arg_val(13);
    constexpr uint32_t out_block_num_tiles = get_compile_time_arg_val(14);
    // Columns of the last in1 subblock that exist: the DRAM-sharded program pads its compute width
    // (per_core_N 11 computed as two 1x6 subblocks) while in1 blocks hold only the real columns, so
    // the last subblock's matmul is narrowed to them; the padded Dst lanes are packed but never
    // written out (TT-NN's last_subblock_w_valid).
    constexpr uint32_t last_subblock_w_valid = get_compile_time_arg_val(15);

    constexpr uint32_t in0_cb_id = tt::CBIndex::c_0;
    constexpr uint32_t in1_cb_id = tt::CBIndex::c_1;
    constexpr uint32_t out_cb_id = tt::CBIndex::c_4;
    constexpr uint32_t mm_partials_cb_id = tt::CBIndex::c_5;

    constexpr bool spill = num_blocks_inner_dim > 1;
#ifdef FUSE_BIAS
    constexpr uint32_t bias_cb_id = tt::CBIndex::c_3;
    constexpr uint32_t in1_num_subblocks_c = in1_num_subblocks;
    constexpr uint32_t bias_ntiles = out_subblock_w * in1_num_subblocks_c;  // out_block_w
    constexpr uint32_t mm_out_cb_id = mm_partials_cb_id;  // the bias pass packs the output
#else
    constexpr uint32_t mm_out_cb_id = out_cb_id;
#endif

    mm_block_init(in0_cb_id, in1_cb_id, mm_partials_cb_id, false, out_subblock_w, out_subblock_h,
                  in0_block_w);
#ifdef FUSE_ACTIVATION
    activation_init();
#endif
    for (uint32_t b = 0; b < batch; b++) {
        for (uint32_t bh = 0; bh < num_blocks_h_dim; bh++) {
            for (uint32_t bw = 0; bw < num_blocks_w_dim; bw++) {
                bool enable_reload = false;
                uint32_t out_num_tiles_to_wait = out_subblock_num_tiles;

                for (uint32_t block = 0; block < num_blocks_inner_dim; block++) {
                    bool last_out = block == (num_blocks_inner_dim - 1);

                    cb_wait_front(in0_cb_id, in0_block_num_tiles);
                    cb_wait_front(in1_cb_id, in1_block_num_tiles);

                    uint32_t in0_index_subblock_offset = 0;
                    for (uint32_t in0_subblock = 0; in0_subblock < in0_num_subblocks;
                         in0_subblock++) {
                        uint32_t in1_index_subblock_offset = 0;
                        for (uint32_t in1_subblock = 0; in1_subblock < in1_num_subblocks;
                             in1_subblock++) {
                            tile_regs_acquire();
                            if (enable_reload) {
                                reload_from_cb_to_dst(in0_cb_id, in1_cb_id, mm_partials_cb_id,
                                                      out_subblock_num_tiles, out_subblock_w,
                                                      out_subblock_h, in0_block_w);
                            }

                            // Accumulate the subblock over this K step: one matmul_block per K
                            // tile.
                            const uint32_t subblock_w = in1_subblock == in1_num_subblocks - 1
                                                            ? last_subblock_w_valid
                                                            : out_subblock_w;
                            uint32_t dst_index = 0;
                            uint32_t in0_index = in0_index_subblock_offset;
                            uint32_t in1_index = in1_index_subblock_offset;
                            for (uint32_t inner_dim_idx = 0; inner_dim_idx < in0_block_w;
                                 ++inner_dim_idx) {
                                matmul_block(in0_cb_id, in1_cb_id, in0_index, in1_index, dst_index,
                                             false, subblock_w, out_subblock_h, in0_block_w);
                                in0_index++;
                                in1_index += in1_per_core_w;
                            }

                            if (last_out) {
#if defined FUSE_ACTIVATION and not defined FUSE_BIAS
                                apply_activation(out_subblock_num_tiles);
#endif
                                tile_regs_commit();
#ifdef FUSE_BIAS
                                // Packing partials over pages the output shares: wait for the
                                // writer as the spill below does.
                                if (block == 0) {
                                    cb_reserve_back(out_cb_id, out_num_tiles_to_wait);
                                    out_num_tiles_to_wait += out_subblock_num_tiles;
                                }
#endif
                                cb_reserve_back(mm_out_cb_id, out_subblock_num_tiles);
                                tile_regs_wait();
#if defined FP32_DEST_ACC_EN or defined PACKER_L1_ACC
                                PACK((pack_reconfig_data_format(mm_out_cb_id)));
#endif
#ifdef PACKER_L1_ACC
#ifdef FUSE_BIAS
                                // The sums stay in L1: the last step accumulates like the others.
                                PACK((pack_reconfig_l1_acc(block == 0 ? 0 : 1)));
#else
                                PACK((pack_reconfig_l1_acc(0)));
#endif
#endif
                                pack_tile_block(0, mm_out_cb_id, out_subblock_num_tiles);
                                tile_regs_release();
                                cb_push_back(mm_out_cb_id, out_subblock_num_tiles);
                            } else {
                                tile_regs_commit();
                                // The partials may share L1 with the output: wait until the writer
                                // has drained the previous output block from the pages about to be
                                // used.
                                if (block == 0) {
                                    cb_reserve_back(out_cb_id, out_num_tiles_to_wait);
                                    out_num_tiles_to_wait += out_subblock_num_tiles;
                                }
                                cb_reserve_back(mm_partials_cb_id, out_subblock_num_tiles);
                                tile_regs_wait();
#if defined FP32_DEST_ACC_EN or defined PACKER_L1_ACC
                                PACK((pack_reconfig_data_format(mm_partials_cb_id)));
#endif
#ifdef PACKER_L1_ACC
                                if (block == 0) {  // the first K step overwrites L1
                                    PACK((pack_reconfig_l1_acc(0)));
                                } else if (block == 1) {
                                    PACK((pack_reconfig_l1_acc(1)));
                                }
#endif
                                pack_tile_block(0, mm_partials_cb_id, out_subblock_num_tiles);
                                tile_regs_release();
                                cb_push_back(mm_partials_cb_id, out_subblock_num_tiles);
                            }

                            in1_index_subblock_offset += out_subblock_w;
                        }
                        in0_index_subblock_offset += in0_subblock_num_tiles;
                    }

#if defined PACKER_L1_ACC and defined FUSE_BIAS
                    // Every step but the last leaves its sums in place; nothing is reloaded.
                    if (block < num_blocks_inner_dim - 1) {
                        cb_wait_front(mm_partials_cb_id, out_block_num_tiles);
                        cb_pop_front(mm_partials_cb_id, out_block_num_tiles);
                    }
#elif defined PACKER_L1_ACC
                    // Steps before the last two leave their sums in place: free the pages so the
                    // next step packs onto the same tiles. The last step reloads and packs out.
                    if (block < num_blocks_inner_dim - 2) {
                        cb_wait_front(mm_partials_cb_id, out_block_num_tiles);
                        cb_pop_front(mm_partials_cb_id, out_block_num_tiles);
                    }
                    if (block == num_blocks_inner_dim - 2) {
                        enable_reload = true;
                    }
#else
                    if constexpr (spill) {
                        enable_reload = true;
                    }
#endif

                    cb_pop_front(in0_cb_id, in0_block_num_tiles);
                    cb_pop_front(in1_cb_id, in1_block_num_tiles);
                }
#ifdef FUSE_BIAS
                // Bias pass: partials + bias row (broadcast down each tile) into the output.
#if defined FP32_DEST_ACC_EN or defined PACKER_L1_ACC
                PACK((pack_reconfig_data_format(out_cb_id)));
#endif
#ifdef PACKER_L1_ACC
                PACK((pack_reconfig_l1_acc(0)));
#endif
                reconfig_data_format(in1_cb_id, mm_partials_cb_id, in0_cb_id, bias_cb_id);
                add_bcast_rows_init_short(mm_partials_cb_id, bias_cb_id);
                cb_wait_front(bias_cb_id, bias_ntiles);
                for (uint32_t in0_subblock = 0; in0_subblock < in0_num_subblocks; in0_subblock++) {
                    uint32_t in1_index_subblock_offset = 0;
                    for (uint32_t in1_subblock = 0; in1_subblock < in1_num_subblocks;
                         in1_subblock++) {
                        cb_wait_front(mm_partials_cb_id, out_subblock_num_tiles);
                        tile_regs_acquire();
                        for (uint32_t i = 0, j = 0; j < out_subblock_h; j++) {
                            uint32_t bias_tile_idx = in1_index_subblock_offset;
                            for (uint32_t k = 0; k < out_subblock_w; k++, i++, bias_tile_idx++)
                                add_tiles_bcast_rows(mm_partials_cb_id, bias_cb_id, i,
                                                     bias_tile_idx, i);
                        }
                        apply_activation(out_subblock_num_tiles);
                        tile_regs_commit();
                        cb_pop_front(mm_partials_cb_id, out_subblock_num_tiles);
                        cb_reserve_back(out_cb_id, out_subblock_num_tiles);
                        tile_regs_wait();
                        pack_tile_block(0, out_cb_id, out_subblock_num_tiles);
                        tile_regs_release();
                        cb_push_back(out_cb_id, out_subblock_num_tiles);
                        in1_index_subblock_offset += out_subblock_w;
                    }
                }
                cb_pop_front(bias_cb_id, bias_ntiles);
                // Back to matmul for the next output block.
                reconfig_data_format(mm_partials_cb_id, in1_cb_id, bias_cb_id, in0_cb_id);
                mm_block_init_short(in0_cb_id, in1_cb_id, false, out_subblock_w, out_subblock_h,
                                    in0_block_w);
#if defined FP32_DEST_ACC_EN or defined PACKER_L1_ACC
                PACK((pack_reconfig_data_format(mm_partials_cb_id)));
#endif
#endif
            }
        }
    }
}
}  // namespace NAMESPACE
