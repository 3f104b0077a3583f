// Compute kernel of sdpa_decode (after TT-NN's sdpa_decode/device/kernels/compute/
// sdpa_flash_decode.cpp and compute_common.hpp): online softmax of one Q tile against this core's
// K/V chunks, per KV head it owns; then, on a head's reducer core, the merge of the other cores'
// partials, and the normalisation.
//
// Per chunk: QK^T (K tiles arrive in [head_dim][seq] order and are transposed by the unpacker),
// the mask added on the chunk holding cur_pos, the row max (merged with the previous max),
// P = exp((QK - max) * scale) (the scale folded into the exponent, as TT-NN does), the row sum,
// P V, and from the second chunk on the rescale of the running sum and output by
// exp((prev_max - max) * scale). Statistics (max, sum) live in column 0 of a tile (REDUCE_ROW).
// A worker core hands its unnormalised O, max and sum to its writer; a reducer merges each
// worker's partial: m = max(m, m_w), O = O e^{(m_old-m)s} + O_w e^{(m_w-m)s}, same for the sum;
// the final output is O * (1 / sum).
//
// CBs: c_0 Q, c_1 K, c_2 V, c_3 mask, c_5 reduce scaler (ones), c_6/c_7 worker max/sum in,
// c_16 worker O (out or in), c_17/c_18 worker max/sum out, c_20 output, c_21..c_23 scratch,
// c_24 QK, c_25 P V, c_26 O accumulator, c_27 max, c_28 previous max, c_29 sum, c_30 previous
// sum, c_31 exp(prev_max - max).
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

constexpr uint32_t cb_q = 0, cb_k = 1, cb_v = 2, cb_mask = 3, cb_scaler = 5, cb_m_in = 6,
                   cb_l_in = 7, cb_out_o = 16, cb_out_m = 17, cb_out_l = 18, cb_out = 20,
                   cb_tmp_a = 21, cb_tmp_b = 22, cb_tmp_o = 23, cb_qk = 24, cb_out_im = 25,
                   cb_out_acc = 26, cb_cur_max = 27, cb_prev_max = 28, cb_cur_sum = 29,
                   cb_prev_sum = 30, cb_exp_diff = 31;

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

// out[0..n) = rows of in reduced (max or sum) into column 0; `prev` (if given) merged by max.
template <PoolType type>
void reduce_rows(uint32_t in, uint32_t n, uint32_t out, bool merge_prev_max) {
    reconfig_data_format(in, cb_scaler);
    reduce_init<type, REDUCE_ROW>(in, cb_scaler, out);
    cb_wait_front(in, n);
    cb_reserve_back(out, 1);
    tile_regs_acquire();
    for (uint32_t j = 0; j < n; ++j) reduce_tile<type, REDUCE_ROW>(in, cb_scaler, j, 0, 0);
    reduce_uninit();
    if (merge_prev_max) {
        reconfig_data_format(cb_prev_max, cb_prev_max);
        copy_tile_to_dst_init_short(cb_prev_max);
        cb_wait_front(cb_prev_max, 1);
        copy_tile(cb_prev_max, 0, 1);
        binary_max_tile_init();
        binary_max_tile(0, 1);
    }
    pack_n(out, 1);
    cb_push_back(out, 1);
}

// out = exp((a - b) * scale), one statistics tile; a and b stay.
void exp_of_difference(uint32_t a, uint32_t b, uint32_t out, uint16_t scale_bf16) {
    reconfig_data_format(a, b);
    sub_tiles_init(a, b);
    cb_wait_front(a, 1);
    cb_wait_front(b, 1);
    cb_reserve_back(out, 1);
    tile_regs_acquire();
    sub_tiles(a, b, 0, 0, 0);
    exp_tile_init<kApprox>();
    exp_tile<kApprox, true, true>(0, VectorMode::RC, scale_bf16);
    pack_n(out, 1);
    cb_push_back(out, 1);
}

// dst = x[i] * col0(s) in Dst 0 (tiles of x by index, x not popped).
inline void mul_bcast_cols_to_dst(uint32_t x, uint32_t i, uint32_t s) {
    reconfig_data_format(x, s);
    mul_bcast_cols_init_short(x, s);
    mul_tiles_bcast_cols(x, s, i, 0, 0);
}

// acc (n tiles, popped and re-pushed) = acc * col0(sa) + other * col0(sb) (sb = none: other as
// it is). Statistics merges use n = 1 with element-wise products.
void rescale_add(uint32_t acc, uint32_t sa, uint32_t other, uint32_t sb, uint32_t n, bool bcast) {
    cb_wait_front(acc, n);
    cb_wait_front(other, n);
    cb_wait_front(sa, 1);
    if (sb != 0xffffffffu) cb_wait_front(sb, 1);
    for (uint32_t i = 0; i < n; ++i) {
        if (sb != 0xffffffffu) {  // other * sb into the scratch CB first
            cb_reserve_back(cb_tmp_o, 1);
            tile_regs_acquire();
            if (bcast) {
                mul_bcast_cols_to_dst(other, i, sb);
            } else {
                reconfig_data_format(other, sb);
                mul_tiles_init(other, sb);
                mul_tiles(other, sb, i, 0, 0);
            }
            pack_n(cb_tmp_o, 1);
            cb_push_back(cb_tmp_o, 1);
        }
        const uint32_t addend = sb != 0xffffffffu ? cb_tmp_o : other;
        const uint32_t addend_i = sb != 0xffffffffu ? 0 : i;
        tile_regs_acquire();
        if (bcast) {
            mul_bcast_cols_to_dst(acc, 0, sa);
        } else {
            reconfig_data_format(acc, sa);
            mul_tiles_init(acc, sa);
            mul_tiles(acc, sa, 0, 0, 0);
        }
        cb_wait_front(addend, addend_i + 1);
        reconfig_data_format_srcb(addend);
        binary_dest_reuse_tiles_init<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(addend);
        binary_dest_reuse_tiles<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(addend, addend_i,
                                                                                  0);
        cb_pop_front(acc, 1);
        cb_reserve_back(acc, 1);
        pack_n(acc, 1);
        cb_push_back(acc, 1);
        if (sb != 0xffffffffu) cb_pop_front(cb_tmp_o, 1);
    }
    cb_pop_front(other, n);
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

void MAIN {
    uint32_t rt = 0;
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sk = get_arg_val<uint32_t>(rt++);  // tiles per chunk
    const uint16_t scale_bf16 = uint16_t(get_arg_val<uint32_t>(rt++));
    const uint32_t num_heads = get_arg_val<uint32_t>(rt++);
    const uint32_t num_chunks = get_arg_val<uint32_t>(rt++);    // this core's chunks per head
    const bool masked = get_arg_val<uint32_t>(rt++) != 0;       // its last chunk holds cur_pos
    const bool is_worker = get_arg_val<uint32_t>(rt++) != 0;    // sends partials to a reducer
    const uint32_t num_partials = get_arg_val<uint32_t>(rt++);  // reducer: workers to merge
    if (num_chunks == 0) return;

    mm_init(cb_q, cb_k, cb_qk);
    cb_wait_front(cb_scaler, 1);
    cb_wait_front(cb_q, DHt);
    for (uint32_t head = 0; head < num_heads; ++head) {
        uint32_t acc = cb_out_acc;
        for (uint32_t c = 0; c < num_chunks; ++c) {
            // QK^T: one row of Sk tiles, in subblocks that fit Dst.
            reconfig_data_format(cb_k, cb_q);
            mm_block_init_short(cb_q, cb_k, 1, 1, 1, 1);
            cb_wait_front(cb_k, Sk * DHt);
            cb_reserve_back(cb_qk, Sk);
            for (uint32_t j0 = 0; j0 < Sk; j0 += kDst) {
                const uint32_t w = Sk - j0 < kDst ? Sk - j0 : kDst;
                tile_regs_acquire();
                for (uint32_t d = 0; d < DHt; ++d)
                    matmul_block(cb_q, cb_k, d, d * Sk + j0, 0, 1, w, 1, DHt);
                pack_n(cb_qk, w);
            }
            cb_push_back(cb_qk, Sk);
            cb_pop_front(cb_k, Sk * DHt);
            if (masked && c + 1 == num_chunks) {  // add the mask in place
                reconfig_data_format(cb_qk, cb_mask);
                add_tiles_init(cb_qk, cb_mask);
                cb_wait_front(cb_mask, Sk);
                for (uint32_t j = 0; j < Sk; ++j) {
                    cb_wait_front(cb_qk, 1);
                    tile_regs_acquire();
                    add_tiles(cb_qk, cb_mask, 0, j, 0);
                    cb_pop_front(cb_qk, 1);
                    cb_reserve_back(cb_qk, 1);
                    pack_n(cb_qk, 1);
                    cb_push_back(cb_qk, 1);
                }
            }
            reduce_rows<MAX>(cb_qk, Sk, cb_cur_max, c > 0);
            // P = exp((QK - max) * scale), in place.
            reconfig_data_format(cb_qk, cb_cur_max);
            cb_wait_front(cb_cur_max, 1);
            sub_bcast_cols_init_short(cb_qk, cb_cur_max);
            exp_tile_init<kApprox>();  // the SFPU's state; the FPU's stays sub-bcast
            for (uint32_t j = 0; j < Sk; ++j) {
                cb_wait_front(cb_qk, 1);
                tile_regs_acquire();
                sub_tiles_bcast_cols(cb_qk, cb_cur_max, 0, 0, 0);
                exp_tile<kApprox, true, true>(0, VectorMode::RC, scale_bf16);
                cb_pop_front(cb_qk, 1);
                cb_reserve_back(cb_qk, 1);
                pack_n(cb_qk, 1);
                cb_push_back(cb_qk, 1);
            }
            reduce_rows<SUM>(cb_qk, Sk, cb_cur_sum, false);
            // P V into the chunk's output.
            reconfig_data_format(cb_v, cb_qk);
            mm_block_init_short(cb_qk, cb_v, 0, 1, 1, 1);
            cb_wait_front(cb_v, Sk * DHt);
            const uint32_t dest = c == 0 ? acc : cb_out_im;
            cb_reserve_back(dest, DHt);
            for (uint32_t d0 = 0; d0 < DHt; d0 += kDst) {
                const uint32_t w = DHt - d0 < kDst ? DHt - d0 : kDst;
                tile_regs_acquire();
                for (uint32_t k = 0; k < Sk; ++k)
                    matmul_block(cb_qk, cb_v, k, k * DHt + d0, 0, 0, w, 1, Sk);
                pack_n(dest, w);
            }
            cb_push_back(dest, DHt);
            cb_pop_front(cb_v, Sk * DHt);
            cb_pop_front(cb_qk, Sk);
            if (c > 0) {
                // Rescale what came before to the new max and add this chunk.
                exp_of_difference(cb_prev_max, cb_cur_max, cb_exp_diff, scale_bf16);
                rescale_add(cb_prev_sum, cb_exp_diff, cb_cur_sum, 0xffffffffu, 1, false);
                rescale_add(acc, cb_exp_diff, cb_out_im, 0xffffffffu, DHt, true);
                cb_pop_front(cb_exp_diff, 1);
                cb_pop_front(cb_prev_max, 1);
                move(cb_cur_max, cb_prev_max, 1);
            } else {
                move(cb_cur_max, cb_prev_max, 1);
                move(cb_cur_sum, cb_prev_sum, 1);
            }
        }
        // cb_prev_max, cb_prev_sum, acc hold this core's (m, l, O).
        if (is_worker) {
            move(acc, cb_out_o, DHt);
            move(cb_prev_max, cb_out_m, 1);
            move(cb_prev_sum, cb_out_l, 1);
            continue;
        }
        for (uint32_t w = 0; w < num_partials; ++w) {
            // m_new = max(m, m_w); e_a = exp((m - m_new) s), e_b = exp((m_w - m_new) s).
            reconfig_data_format(cb_prev_max, cb_prev_max);
            copy_tile_to_dst_init_short(cb_prev_max);
            cb_wait_front(cb_prev_max, 1);
            cb_wait_front(cb_m_in, 1);
            cb_reserve_back(cb_cur_max, 1);
            tile_regs_acquire();
            copy_tile(cb_prev_max, 0, 0);
            copy_tile(cb_m_in, 0, 1);
            binary_max_tile_init();
            binary_max_tile(0, 1);
            pack_n(cb_cur_max, 1);
            cb_push_back(cb_cur_max, 1);
            exp_of_difference(cb_prev_max, cb_cur_max, cb_tmp_a, scale_bf16);
            exp_of_difference(cb_m_in, cb_cur_max, cb_tmp_b, scale_bf16);
            rescale_add(cb_prev_sum, cb_tmp_a, cb_l_in, cb_tmp_b, 1, false);
            rescale_add(acc, cb_tmp_a, cb_out_o, cb_tmp_b, DHt, true);
            cb_pop_front(cb_tmp_a, 1);
            cb_pop_front(cb_tmp_b, 1);
            cb_pop_front(cb_m_in, 1);
            cb_pop_front(cb_prev_max, 1);
            move(cb_cur_max, cb_prev_max, 1);
        }
        // out = O / l.
        reconfig_data_format(cb_prev_sum, cb_prev_sum);
        copy_tile_to_dst_init_short(cb_prev_sum);
        cb_wait_front(cb_prev_sum, 1);
        cb_reserve_back(cb_tmp_a, 1);
        tile_regs_acquire();
        copy_tile(cb_prev_sum, 0, 0);
        recip_tile_init();
        recip_tile(0);
        pack_n(cb_tmp_a, 1);
        cb_push_back(cb_tmp_a, 1);
        cb_pop_front(cb_prev_sum, 1);
        cb_pop_front(cb_prev_max, 1);
        cb_wait_front(acc, DHt);
        cb_wait_front(cb_tmp_a, 1);
        cb_reserve_back(cb_out, DHt);
        for (uint32_t d = 0; d < DHt; ++d) {
            tile_regs_acquire();
            mul_bcast_cols_to_dst(acc, d, cb_tmp_a);
            pack_n(cb_out, 1);
        }
        cb_push_back(cb_out, DHt);
        cb_pop_front(acc, DHt);
        cb_pop_front(cb_tmp_a, 1);
    }
    cb_pop_front(cb_q, DHt);
    if (masked) cb_pop_front(cb_mask, Sk);
}

}  // namespace NAMESPACE
