// Row maximum of an Ht x Wt tile matrix ([N] kernel_main dialect): for each tile row, reduce_tile
// MAX over W folds the Wt tiles into Dst 0, whose column 0 then holds the 32 row maxima.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/reduce.h"

void kernel_main() {
    constexpr uint32_t Ht = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);

    constexpr auto cb_in = tt::CBIndex::c_0;
    constexpr auto cb_scaler = tt::CBIndex::c_2;
    constexpr auto cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in, cb_scaler, cb_out);
    reduce_init<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, cb_out);

    cb_wait_front(cb_scaler, 1);  // the scaler tile stays for the whole kernel
    for (uint32_t ht = 0; ht < Ht; ++ht) {
        tile_regs_acquire();
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            cb_wait_front(cb_in, 1);
            reduce_tile<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, 0, 0, 0);
            cb_pop_front(cb_in, 1);
        }
        tile_regs_commit();

        tile_regs_wait();
        cb_reserve_back(cb_out, 1);
        pack_tile(0, cb_out);
        cb_push_back(cb_out, 1);
        tile_regs_release();
    }
    reduce_uninit();
    cb_pop_front(cb_scaler, 1);
}
