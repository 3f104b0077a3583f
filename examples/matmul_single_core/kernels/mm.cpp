// C[mt][nt] = sum over kt of A[mt][kt] x B[kt][nt], one output tile at a time in Dst 0
// ([N] dialect: kernel_main, 5-argument matmul_tiles).
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t Mt = get_compile_time_arg_val(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(1);
    constexpr uint32_t Nt = get_compile_time_arg_val(2);
    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    mm_init(cb_in0, cb_in1, cb_out);
    cb_wait_front(cb_in1, Kt * Nt);
    for (uint32_t mt = 0; mt < Mt; ++mt) {
        cb_wait_front(cb_in0, Kt);
        for (uint32_t nt = 0; nt < Nt; ++nt) {
            tile_regs_acquire();
            for (uint32_t kt = 0; kt < Kt; ++kt) matmul_tiles(cb_in0, cb_in1, kt, kt * Nt + nt, 0);
            tile_regs_commit();
            tile_regs_wait();
            cb_reserve_back(cb_out, 1);
            pack_tile(0, cb_out);
            cb_push_back(cb_out, 1);
            tile_regs_release();
        }
        cb_pop_front(cb_in0, Kt);
    }
    cb_pop_front(cb_in1, Kt * Nt);
}
