// Row-wise softmax of an Ht x Wt tile matrix, one tile row at a time, in two passes over the row
// ([N] kernel_main dialect):
//   pass 1: m = max over the row (reduce MAX, REDUCE_ROW) -> cb_max, column 0
//   pass 2: e = exp(x - m) (sub_tiles_bcast_cols, exp_tile) -> cb_exp,
//           s = sum of e over the row (reduce SUM, REDUCE_ROW), 1/s (recip_tile) -> cb_recip,
//           y = e * (1/s) (mul_tiles_bcast_cols) -> cb_out
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t Ht = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);

    constexpr auto cb_in = tt::CBIndex::c_0;
    constexpr auto cb_scaler = tt::CBIndex::c_2;
    constexpr auto cb_out = tt::CBIndex::c_16;
    constexpr auto cb_max = tt::CBIndex::c_24;    // row max, column 0
    constexpr auto cb_exp = tt::CBIndex::c_25;    // exp(x - max), the whole row
    constexpr auto cb_recip = tt::CBIndex::c_26;  // 1 / row sum, column 0

    compute_kernel_hw_startup(cb_in, cb_scaler, cb_out);
    cb_wait_front(cb_scaler, 1);  // the scaler tile stays for the whole kernel

    for (uint32_t ht = 0; ht < Ht; ++ht) {
        cb_wait_front(cb_in, Wt);

        // Pass 1: row max.
        reduce_init<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, cb_max);
        tile_regs_acquire();
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            reduce_tile<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, wt, 0, 0);
        }
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(cb_max, 1);
        pack_tile(0, cb_max);
        cb_push_back(cb_max, 1);
        tile_regs_release();
        reduce_uninit();

        // Pass 2a: exp(x - max), tile by tile.
        cb_wait_front(cb_max, 1);
        sub_bcast_cols_init_short(cb_in, cb_max);
        exp_tile_init();
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            tile_regs_acquire();
            sub_tiles_bcast_cols(cb_in, cb_max, wt, 0, 0);
            exp_tile(0);
            tile_regs_commit();
            tile_regs_wait();
            cb_reserve_back(cb_exp, 1);
            pack_tile(0, cb_exp);
            cb_push_back(cb_exp, 1);
            tile_regs_release();
        }
        cb_pop_front(cb_max, 1);
        cb_pop_front(cb_in, Wt);

        // Pass 2b: 1 / sum of the row's exps.
        cb_wait_front(cb_exp, Wt);
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_exp, cb_scaler, cb_recip);
        tile_regs_acquire();
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_exp, cb_scaler, wt, 0, 0);
        }
        recip_tile_init();
        recip_tile(0);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(cb_recip, 1);
        pack_tile(0, cb_recip);
        cb_push_back(cb_recip, 1);
        tile_regs_release();
        reduce_uninit();

        // Pass 2c: scale the exps by 1 / sum.
        cb_wait_front(cb_recip, 1);
        mul_bcast_cols_init_short(cb_exp, cb_recip);
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            tile_regs_acquire();
            mul_tiles_bcast_cols(cb_exp, cb_recip, wt, 0, 0);
            tile_regs_commit();
            tile_regs_wait();
            cb_reserve_back(cb_out, 1);
            pack_tile(0, cb_out);
            cb_push_back(cb_out, 1);
            tile_regs_release();
        }
        cb_pop_front(cb_recip, 1);
        cb_pop_front(cb_exp, Wt);
    }
    cb_pop_front(cb_scaler, 1);
}
