// Compute kernel of the interleaved (prefill) norm program, after TT-NN's
// normalization/layernorm/device/kernels/compute/layernorm.cpp and layernorm_large_tensor.cpp
// (RMSNorm is the same kernel with RMSNORM defined). Each core normalises whole tile rows.
//
// Per tile row, in passes over the row in blocks of blk tiles (the reader pushes the row once
// when it fits L1 -- ROW_IN_L1, the whole row stays in cb_in -- else once per pass):
//   LayerNorm  mean = sum(x * 1/W)                 (reduce REDUCE_ROW, scaler 1/W)
//              var  = sum((x - mean)^2 * 1/W)      (sub_tiles_bcast_cols, square_tile, reduce)
//   RMSNorm    ms   = sum(x^2 * 1/W)               (mul_tiles, reduce)
//   rinv = rsqrt(var + eps); y = (x [- mean]) * rinv (bcast cols) [* gamma (bcast rows)]
//   [+ beta (bcast rows)].
// PRE_ALLGATHER stops after the first statistic (scaler 1: a sum of x^2) and packs it;
// POST_ALLGATHER takes the statistic from the devices' gathered sums (cb_stats) instead.
// Block sums accumulate through cb_acc: each block's reduce adds onto the reloaded running sum.
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/eltwise_unary/square.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

constexpr uint32_t cb_in = tt::CBIndex::c_0;
constexpr uint32_t cb_scaler = tt::CBIndex::c_1;
constexpr uint32_t cb_eps = tt::CBIndex::c_2;
constexpr uint32_t cb_gamma = tt::CBIndex::c_3;
constexpr uint32_t cb_beta = tt::CBIndex::c_4;
constexpr uint32_t cb_stats = tt::CBIndex::c_5;
constexpr uint32_t cb_out = tt::CBIndex::c_16;
constexpr uint32_t cb_x2 = tt::CBIndex::c_24;
constexpr uint32_t cb_acc = tt::CBIndex::c_25;
constexpr uint32_t cb_mean = tt::CBIndex::c_26;
constexpr uint32_t cb_rinv = tt::CBIndex::c_27;
constexpr uint32_t cb_xmm = tt::CBIndex::c_28;
constexpr uint32_t cb_im = tt::CBIndex::c_29;
constexpr uint32_t cb_im2 = tt::CBIndex::c_30;

constexpr uint32_t Wt = get_compile_time_arg_val(0);
constexpr uint32_t blk = get_compile_time_arg_val(1);
constexpr bool row_in_l1 = get_compile_time_arg_val(2) == 1;
constexpr bool do_gamma = get_compile_time_arg_val(3) == 1;
constexpr bool do_beta = get_compile_time_arg_val(4) == 1;
constexpr uint32_t num_stats = get_compile_time_arg_val(5);  // POST_ALLGATHER: tiles per row

// Block b of the row: its first tile's index in cb_in (waiting for it when the row streams).
ALWI uint32_t block_begin(uint32_t b) {
    if constexpr (row_in_l1) return b * blk;
    cb_wait_front(cb_in, blk);
    return 0;
}
ALWI void block_end() {
    if constexpr (!row_in_l1) cb_pop_front(cb_in, blk);
}

// Reduces n tiles of cb_src (from its front) along rows into the running sum in cb_acc.
ALWI void accumulate(uint32_t cb_src, uint32_t n, bool first) {
    tile_regs_acquire();
    if (!first) {
        reconfig_data_format_srca(cb_acc);
        copy_tile_to_dst_init_short(cb_acc);
        cb_wait_front(cb_acc, 1);
        copy_tile(cb_acc, 0, 0);
        cb_pop_front(cb_acc, 1);
    }
    reconfig_data_format(cb_src, cb_scaler);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_src, cb_scaler, cb_acc);
    for (uint32_t i = 0; i < n; ++i)
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_src, cb_scaler, i, 0, 0);
    reduce_uninit();
    tile_regs_commit();
    cb_reserve_back(cb_acc, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_acc);
    pack_tile(0, cb_acc);
    tile_regs_release();
    cb_push_back(cb_acc, 1);
}

// One tile of cb_src moved to cb_dst (through Dst).
ALWI void move_tile(uint32_t cb_src, uint32_t cb_dst) {
    cb_wait_front(cb_src, 1);
    tile_regs_acquire();
    reconfig_data_format_srca(cb_src);
    copy_tile_to_dst_init_short(cb_src);
    copy_tile(cb_src, 0, 0);
    tile_regs_commit();
    cb_reserve_back(cb_dst, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_dst);
    pack_tile(0, cb_dst);
    tile_regs_release();
    cb_push_back(cb_dst, 1);
    cb_pop_front(cb_src, 1);
}

// cb_rinv <- rsqrt(cb_acc + eps).
ALWI void inverse_root() {
    cb_wait_front(cb_acc, 1);
    tile_regs_acquire();
    reconfig_data_format(cb_acc, cb_eps);
    add_tiles_init(cb_acc, cb_eps);
    add_tiles(cb_acc, cb_eps, 0, 0, 0);
    rsqrt_tile_init();
    rsqrt_tile(0);
    tile_regs_commit();
    cb_reserve_back(cb_rinv, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_rinv);
    pack_tile(0, cb_rinv);
    tile_regs_release();
    cb_push_back(cb_rinv, 1);
    cb_pop_front(cb_acc, 1);
}

// n tiles: Dst[i] = op(a[a0 + i], b[0]) for a column or row broadcast op, packed to cb_dst.
template <EltwiseBinaryType op, BroadcastType dim>
ALWI void bcast_block(uint32_t cb_a, uint32_t a0, uint32_t cb_b, uint32_t b0, uint32_t n,
                      uint32_t cb_dst) {
    tile_regs_acquire();
    reconfig_data_format(cb_a, cb_b);
    init_bcast<op, dim>(cb_a, cb_b, cb_dst);
    for (uint32_t i = 0; i < n; ++i)
        any_tiles_bcast<op, dim>(cb_a, cb_b, a0 + i, dim == BroadcastType::ROW ? b0 + i : b0, i);
    tile_regs_commit();
    cb_reserve_back(cb_dst, n);
    tile_regs_wait();
    pack_reconfig_data_format(cb_dst);
    for (uint32_t i = 0; i < n; ++i) pack_tile(i, cb_dst);
    tile_regs_release();
    cb_push_back(cb_dst, n);
}

void kernel_main() {
    const uint32_t num_rows = get_arg_val<uint32_t>(0);
    constexpr uint32_t nblk = Wt / blk;
    binary_op_init_common(cb_in, cb_in, cb_out);
    cb_wait_front(cb_scaler, 1);
    cb_wait_front(cb_eps, 1);

    for (uint32_t row = 0; row < num_rows; ++row) {
        if constexpr (row_in_l1) cb_wait_front(cb_in, Wt);
#ifdef POST_ALLGATHER
        // The devices' sums of x^2 -> mean square (the scaler holds 1 / total width).
        cb_wait_front(cb_stats, num_stats);
        accumulate(cb_stats, num_stats, true);
        cb_pop_front(cb_stats, num_stats);
#else
#ifndef RMSNORM
        for (uint32_t b = 0; b < nblk; ++b) {
            const uint32_t i0 = block_begin(b);
            // Reduce straight from cb_in: the running mean.
            tile_regs_acquire();
            if (b > 0) {
                reconfig_data_format_srca(cb_acc);
                copy_tile_to_dst_init_short(cb_acc);
                cb_wait_front(cb_acc, 1);
                copy_tile(cb_acc, 0, 0);
                cb_pop_front(cb_acc, 1);
            }
            reconfig_data_format(cb_in, cb_scaler);
            reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, cb_acc);
            for (uint32_t i = 0; i < blk; ++i)
                reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, i0 + i, 0, 0);
            reduce_uninit();
            tile_regs_commit();
            cb_reserve_back(cb_acc, 1);
            tile_regs_wait();
            pack_reconfig_data_format(cb_acc);
            pack_tile(0, cb_acc);
            tile_regs_release();
            cb_push_back(cb_acc, 1);
            block_end();
        }
        move_tile(cb_acc, cb_mean);
        cb_wait_front(cb_mean, 1);
#endif
        // Squares of x (RMSNorm) or of x - mean (LayerNorm), block by block, summed.
        for (uint32_t b = 0; b < nblk; ++b) {
            const uint32_t i0 = block_begin(b);
            tile_regs_acquire();
#ifdef RMSNORM
            reconfig_data_format(cb_in, cb_in);
            mul_tiles_init(cb_in, cb_in);
            for (uint32_t i = 0; i < blk; ++i) mul_tiles(cb_in, cb_in, i0 + i, i0 + i, i);
#else
            reconfig_data_format(cb_in, cb_mean);
            sub_bcast_cols_init_short(cb_in, cb_mean);
            for (uint32_t i = 0; i < blk; ++i) sub_tiles_bcast_cols(cb_in, cb_mean, i0 + i, 0, i);
            square_tile_init();
            for (uint32_t i = 0; i < blk; ++i) square_tile(i);
#endif
            tile_regs_commit();
            cb_reserve_back(cb_x2, blk);
            tile_regs_wait();
            pack_reconfig_data_format(cb_x2);
            for (uint32_t i = 0; i < blk; ++i) pack_tile(i, cb_x2);
            tile_regs_release();
            cb_push_back(cb_x2, blk);
            block_end();
            cb_wait_front(cb_x2, blk);
            accumulate(cb_x2, blk, b == 0);
            cb_pop_front(cb_x2, blk);
        }
#endif
#ifdef PRE_ALLGATHER
        move_tile(cb_acc, cb_out);
        if constexpr (row_in_l1) cb_pop_front(cb_in, Wt);
        continue;
#else
        inverse_root();
        cb_wait_front(cb_rinv, 1);
        // y = (x [- mean]) * rinv [* gamma] [+ beta], block by block.
        for (uint32_t b = 0; b < nblk; ++b) {
            const uint32_t i0 = block_begin(b);
            constexpr uint32_t cb_scaled = do_gamma ? cb_im : (do_beta ? cb_im2 : cb_out);
#ifdef RMSNORM
            bcast_block<ELWMUL, BroadcastType::COL>(cb_in, i0, cb_rinv, 0, blk, cb_scaled);
#else
            bcast_block<ELWSUB, BroadcastType::COL>(cb_in, i0, cb_mean, 0, blk, cb_xmm);
            cb_wait_front(cb_xmm, blk);
            bcast_block<ELWMUL, BroadcastType::COL>(cb_xmm, 0, cb_rinv, 0, blk, cb_scaled);
            cb_pop_front(cb_xmm, blk);
#endif
            block_end();
            if constexpr (do_gamma) {
                constexpr uint32_t cb_g = do_beta ? cb_im2 : cb_out;
                cb_wait_front(cb_im, blk);
                cb_wait_front(cb_gamma, blk);
                bcast_block<ELWMUL, BroadcastType::ROW>(cb_im, 0, cb_gamma, 0, blk, cb_g);
                cb_pop_front(cb_gamma, blk);
                cb_pop_front(cb_im, blk);
            }
            if constexpr (do_beta) {
                cb_wait_front(cb_im2, blk);
                cb_wait_front(cb_beta, blk);
                bcast_block<ELWADD, BroadcastType::ROW>(cb_im2, 0, cb_beta, 0, blk, cb_out);
                cb_pop_front(cb_beta, blk);
                cb_pop_front(cb_im2, blk);
            }
        }
        cb_pop_front(cb_rinv, 1);
#ifndef RMSNORM
        cb_pop_front(cb_mean, 1);
#endif
        if constexpr (row_in_l1) cb_pop_front(cb_in, Wt);
#endif
    }
}
