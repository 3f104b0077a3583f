// Compute kernel of sdpa (causal prefill; after TT-NN's transformer/sdpa/device/kernels/compute/
// sdpa.cpp and compute_common.hpp): for each Q chunk of this core (rows of Sq tiles), stream the
// K/V chunks up to the diagonal and run the online softmax of FlashAttention-2, row by row of
// tiles: QK^T (K tiles arrive in [head_dim][seq] order, transposed on unpack), the causal mask
// added on diagonal chunks only (tile by tile: -inf above the diagonal, the triangular tile on it,
// nothing below), the row max merged with the previous one, P = exp((QK - max) * scale), the row
// sum, P V, and the rescale of the running sum and output by exp((prev_max - max) * scale). At the
// end of a Q chunk the output is O * (1 / sum). The accumulator stays in L1 and is written once.
// CBs: c_0 Q, c_1 K, c_2 V, c_3 mask tiles (0: -inf, 1: causal diagonal), c_5 reduce scaler,
// c_16 output, c_23 scratch, c_24 QK, c_25 P V, c_26 O, c_27 max, c_28 previous max, c_29 sum,
// c_30 previous sum, c_31 exp(prev_max - max).
#include <cstdint>

#include "compute_kernel_api/bcast.h"
#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/eltwise_binary_sfpu.h"
#include "compute_kernel_api/eltwise_unary/exp.h"
#include "compute_kernel_api/eltwise_unary/recip.h"
#include "compute_kernel_api/matmul.h"
#include "compute_kernel_api/reduce.h"
#include "compute_kernel_api/tile_move_copy.h"

namespace NAMESPACE {

constexpr uint32_t cb_q = 0, cb_k = 1, cb_v = 2, cb_mask = 3, cb_scaler = 5, cb_out = 16,
                   cb_tmp = 23, cb_qk = 24, cb_out_im = 25, cb_acc = 26, cb_cur_max = 27,
                   cb_prev_max = 28, cb_cur_sum = 29, cb_prev_sum = 30, cb_exp_diff = 31;
#ifdef FP32_DEST_ACC_EN
constexpr uint32_t kDst = 4;
#else
constexpr uint32_t kDst = 8;
#endif
#ifdef EXP_APPROX
constexpr bool kApprox = true;
#else
constexpr bool kApprox = false;
#endif

inline void pack_n(uint32_t cb, uint32_t n) {
    tile_regs_commit();
    tile_regs_wait();
    for (uint32_t i = 0; i < n; ++i) pack_tile(i, cb);
    tile_regs_release();
}

// Moves n tiles from one CB to another through Dst.
void move(uint32_t from, uint32_t to, uint32_t n) {
    reconfig_data_format(from, from);
    copy_tile_to_dst_init_short(from);
    cb_wait_front(from, n);
    cb_reserve_back(to, n);
    for (uint32_t i = 0; i < n; ++i) {
        tile_regs_acquire();
        copy_tile(from, i, 0);
        pack_n(to, 1);
    }
    cb_push_back(to, n);
    cb_pop_front(from, n);
}

// out (rows tiles) = max or sum over each row of in (rows x cols tiles); with merge, max'ed with
// cb_prev_max's tile of the row.
template <PoolType type>
void reduce_rows(uint32_t in, uint32_t rows, uint32_t cols, uint32_t out, bool merge) {
    cb_wait_front(in, rows * cols);
    cb_reserve_back(out, rows);
    if (merge) cb_wait_front(cb_prev_max, rows);
    for (uint32_t i = 0; i < rows; ++i) {
        reconfig_data_format(in, cb_scaler);
        reduce_init<type, REDUCE_ROW>(in, cb_scaler, out);
        tile_regs_acquire();
        for (uint32_t j = 0; j < cols; ++j)
            reduce_tile<type, REDUCE_ROW>(in, cb_scaler, i * cols + j, 0, 0);
        reduce_uninit();
        if (merge) {
            reconfig_data_format(cb_prev_max, cb_prev_max);
            copy_tile_to_dst_init_short(cb_prev_max);
            copy_tile(cb_prev_max, i, 1);
            binary_max_tile_init();
            binary_max_tile(0, 1);
        }
        pack_n(out, 1);
    }
    cb_push_back(out, rows);
}

void MAIN {
    uint32_t rt = 0;
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sq = get_arg_val<uint32_t>(rt++);
    const uint32_t Sk = get_arg_val<uint32_t>(rt++);
    const uint16_t scale_bf16 = uint16_t(get_arg_val<uint32_t>(rt++));
    const uint32_t num_q_chunks = get_arg_val<uint32_t>(rt++);  // this core's (head, chunk) items
    const uint32_t arg_chunks = rt;                             // then one Q chunk index per item
    if (num_q_chunks == 0) return;

    mm_init(cb_q, cb_k, cb_qk);
    cb_wait_front(cb_mask, 2);
    cb_wait_front(cb_scaler, 1);
    for (uint32_t item = 0; item < num_q_chunks; ++item) {
        const uint32_t q_chunk = get_arg_val<uint32_t>(arg_chunks + item);
        const uint32_t q_tile0 = q_chunk * Sq;
        // K chunks up to the one holding the chunk's last row.
        const uint32_t k_chunks = ((q_chunk + 1) * Sq + Sk - 1) / Sk;
        cb_wait_front(cb_q, Sq * DHt);
        for (uint32_t kc = 0; kc < k_chunks; ++kc) {
            const uint32_t k_tile0 = kc * Sk;
            reconfig_data_format(cb_k, cb_q);
            mm_block_init_short(cb_q, cb_k, 1, 1, 1, 1);
            cb_wait_front(cb_k, Sk * DHt);
            cb_reserve_back(cb_qk, Sq * Sk);
            for (uint32_t i = 0; i < Sq; ++i)
                for (uint32_t j0 = 0; j0 < Sk; j0 += kDst) {
                    const uint32_t w = Sk - j0 < kDst ? Sk - j0 : kDst;
                    tile_regs_acquire();
                    for (uint32_t d = 0; d < DHt; ++d)
                        matmul_block(cb_q, cb_k, i * DHt + d, d * Sk + j0, 0, 1, w, 1, DHt);
                    pack_n(cb_qk, w);
                }
            cb_push_back(cb_qk, Sq * Sk);
            cb_pop_front(cb_k, Sk * DHt);
            if (k_tile0 + Sk > q_tile0) {  // a diagonal chunk: mask in place, tile by tile
                reconfig_data_format(cb_qk, cb_mask);
                add_tiles_init(cb_qk, cb_mask);
                copy_tile_to_dst_init_short(cb_qk);
                for (uint32_t i = 0; i < Sq; ++i)
                    for (uint32_t j = 0; j < Sk; ++j) {
                        const uint32_t qt = q_tile0 + i, kt = k_tile0 + j;
                        cb_wait_front(cb_qk, 1);
                        tile_regs_acquire();
                        if (kt < qt) {
                            copy_tile_to_dst_init_short(cb_qk);
                            copy_tile(cb_qk, 0, 0);
                        } else {
                            add_tiles_init(cb_qk, cb_mask);
                            add_tiles(cb_qk, cb_mask, 0, kt == qt ? 1 : 0, 0);
                        }
                        cb_pop_front(cb_qk, 1);
                        cb_reserve_back(cb_qk, 1);
                        pack_n(cb_qk, 1);
                        cb_push_back(cb_qk, 1);
                    }
            }
            reduce_rows<MAX>(cb_qk, Sq, Sk, cb_cur_max, kc > 0);
            // P = exp((QK - max) * scale), in place.
            cb_wait_front(cb_cur_max, Sq);
            reconfig_data_format(cb_qk, cb_cur_max);
            sub_bcast_cols_init_short(cb_qk, cb_cur_max);
            exp_tile_init<kApprox>();  // the SFPU's state; the FPU's stays sub-bcast
            for (uint32_t i = 0; i < Sq; ++i)
                for (uint32_t j = 0; j < Sk; ++j) {
                    cb_wait_front(cb_qk, 1);
                    tile_regs_acquire();
                    sub_tiles_bcast_cols(cb_qk, cb_cur_max, 0, i, 0);
                    exp_tile<kApprox, true, true>(0, VectorMode::RC, scale_bf16);
                    cb_pop_front(cb_qk, 1);
                    cb_reserve_back(cb_qk, 1);
                    pack_n(cb_qk, 1);
                    cb_push_back(cb_qk, 1);
                }
            reduce_rows<SUM>(cb_qk, Sq, Sk, cb_cur_sum, false);
            // P V.
            reconfig_data_format(cb_v, cb_qk);
            mm_block_init_short(cb_qk, cb_v, 0, 1, 1, 1);
            cb_wait_front(cb_v, Sk * DHt);
            const uint32_t dest = kc == 0 ? cb_acc : cb_out_im;
            cb_reserve_back(dest, Sq * DHt);
            for (uint32_t i = 0; i < Sq; ++i)
                for (uint32_t d0 = 0; d0 < DHt; d0 += kDst) {
                    const uint32_t w = DHt - d0 < kDst ? DHt - d0 : kDst;
                    tile_regs_acquire();
                    for (uint32_t k = 0; k < Sk; ++k)
                        matmul_block(cb_qk, cb_v, i * Sk + k, k * DHt + d0, 0, 0, w, 1, Sk);
                    pack_n(dest, w);
                }
            cb_push_back(dest, Sq * DHt);
            cb_pop_front(cb_v, Sk * DHt);
            cb_pop_front(cb_qk, Sq * Sk);
            if (kc == 0) {
                move(cb_cur_max, cb_prev_max, Sq);
                move(cb_cur_sum, cb_prev_sum, Sq);
                continue;
            }
            // e = exp((prev_max - max) * scale) per row.
            cb_wait_front(cb_prev_max, Sq);
            cb_reserve_back(cb_exp_diff, Sq);
            for (uint32_t i = 0; i < Sq; ++i) {
                reconfig_data_format(cb_prev_max, cb_cur_max);
                sub_tiles_init(cb_prev_max, cb_cur_max);
                tile_regs_acquire();
                sub_tiles(cb_prev_max, cb_cur_max, i, i, 0);
                exp_tile_init<kApprox>();
                exp_tile<kApprox, true, true>(0, VectorMode::RC, scale_bf16);
                pack_n(cb_exp_diff, 1);
            }
            cb_push_back(cb_exp_diff, Sq);
            cb_pop_front(cb_prev_max, Sq);
            // sum = prev_sum * e + sum; O = O * e (column broadcast) + P V.
            cb_wait_front(cb_exp_diff, Sq);
            cb_wait_front(cb_prev_sum, Sq);
            cb_wait_front(cb_cur_sum, Sq);
            for (uint32_t i = 0; i < Sq; ++i) {
                reconfig_data_format(cb_prev_sum, cb_exp_diff);
                mul_tiles_init(cb_prev_sum, cb_exp_diff);
                tile_regs_acquire();
                mul_tiles(cb_prev_sum, cb_exp_diff, 0, i, 0);
                reconfig_data_format_srcb(cb_cur_sum);
                binary_dest_reuse_tiles_init<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(
                    cb_cur_sum);
                binary_dest_reuse_tiles<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(
                    cb_cur_sum, i, 0);
                cb_pop_front(cb_prev_sum, 1);
                cb_reserve_back(cb_prev_sum, 1);
                pack_n(cb_prev_sum, 1);
                cb_push_back(cb_prev_sum, 1);
            }
            cb_pop_front(cb_cur_sum, Sq);
            cb_wait_front(cb_acc, Sq * DHt);
            cb_wait_front(cb_out_im, Sq * DHt);
            for (uint32_t i = 0; i < Sq; ++i)
                for (uint32_t d = 0; d < DHt; ++d) {
                    reconfig_data_format(cb_acc, cb_exp_diff);
                    mul_bcast_cols_init_short(cb_acc, cb_exp_diff);
                    tile_regs_acquire();
                    mul_tiles_bcast_cols(cb_acc, cb_exp_diff, 0, i, 0);
                    reconfig_data_format_srcb(cb_out_im);
                    binary_dest_reuse_tiles_init<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(
                        cb_out_im);
                    binary_dest_reuse_tiles<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(
                        cb_out_im, i * DHt + d, 0);
                    cb_pop_front(cb_acc, 1);
                    cb_reserve_back(cb_acc, 1);
                    pack_n(cb_acc, 1);
                    cb_push_back(cb_acc, 1);
                }
            cb_pop_front(cb_out_im, Sq * DHt);
            cb_pop_front(cb_exp_diff, Sq);
            move(cb_cur_max, cb_prev_max, Sq);
        }
        cb_pop_front(cb_q, Sq * DHt);
        // out = O / sum, row by row.
        reconfig_data_format(cb_prev_sum, cb_prev_sum);
        copy_tile_to_dst_init_short(cb_prev_sum);
        cb_wait_front(cb_prev_sum, Sq);
        cb_reserve_back(cb_tmp, Sq);
        for (uint32_t i = 0; i < Sq; ++i) {
            tile_regs_acquire();
            copy_tile(cb_prev_sum, i, 0);
            recip_tile_init();
            recip_tile(0);
            pack_n(cb_tmp, 1);
        }
        cb_push_back(cb_tmp, Sq);
        cb_pop_front(cb_prev_sum, Sq);
        cb_pop_front(cb_prev_max, Sq);
        cb_wait_front(cb_tmp, Sq);
        cb_wait_front(cb_acc, Sq * DHt);
        cb_reserve_back(cb_out, Sq * DHt);
        reconfig_data_format(cb_acc, cb_tmp);
        mul_bcast_cols_init_short(cb_acc, cb_tmp);
        for (uint32_t i = 0; i < Sq; ++i)
            for (uint32_t d = 0; d < DHt; ++d) {
                tile_regs_acquire();
                mul_tiles_bcast_cols(cb_acc, cb_tmp, i * DHt + d, i, 0);
                pack_n(cb_out, 1);
            }
        cb_push_back(cb_out, Sq * DHt);
        cb_pop_front(cb_acc, Sq * DHt);
        cb_pop_front(cb_tmp, Sq);
    }
    cb_pop_front(cb_mask, 2);
}

}  // namespace NAMESPACE
