// softplus(x) = log(1 + exp(x)) as a chain of SFPU ops on Dst ([N] kernel_main dialect):
// x into Dst 0, the ones tile into Dst 1, exp(Dst 0), Dst 0 + Dst 1 -> Dst 0, log(Dst 0), pack.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    uint32_t n_tiles = get_arg_val<uint32_t>(0);

    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_ones = tt::CBIndex::c_1;
    constexpr auto cb_out0 = tt::CBIndex::c_16;

    init_sfpu(cb_in0, cb_out0);

    // The ones tile stays at the front of its CB for the whole run.
    cb_wait_front(cb_ones, 1);

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_in0, 1);

        tile_regs_acquire();

        copy_tile_init(cb_in0);
        copy_tile(cb_in0, 0, 0);  // x -> Dst 0
        copy_tile_init(cb_ones);
        copy_tile(cb_ones, 0, 1);  // 1 -> Dst 1

        exp_tile_init();
        exp_tile(0);  // Dst 0 = exp(x)

        add_binary_tile_init();
        add_binary_tile(0, 1, 0);  // Dst 0 = exp(x) + 1

        log_tile_init();
        log_tile(0);  // Dst 0 = log(1 + exp(x))

        tile_regs_commit();

        cb_pop_front(cb_in0, 1);

        tile_regs_wait();
        cb_reserve_back(cb_out0, 1);
        pack_tile(0, cb_out0);
        cb_push_back(cb_out0, 1);
        tile_regs_release();
    }

    cb_pop_front(cb_ones, 1);
}
