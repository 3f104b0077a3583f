// Compute kernel of the eltwise binary program, after TT-NN's eltwise_binary_kernel.cpp: per block
// of up to blk tiles, with PRE_ACT (TT-NN's SFPU_OP_INIT_PRE_IN0_0) input A is copied into Dst,
// the activation runs on the SFPU and the result is packed to the interim CB c_3; then the FPU
// op (ELTWISE_OP: add_tiles / sub_tiles / mul_tiles) takes A (or c_3) and B into the output CB
// c_2.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/tile_move_copy.h"

#define TENSIM_CAT2(a, b) a##b
#define TENSIM_CAT(a, b) TENSIM_CAT2(a, b)

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t blk = get_compile_time_arg_val(0);
    constexpr uint32_t cb_a = tt::CBIndex::c_0, cb_b = tt::CBIndex::c_1, cb_out = tt::CBIndex::c_2;
#ifdef PRE_ACT
    constexpr uint32_t cb_inp = tt::CBIndex::c_3;
#else
    constexpr uint32_t cb_inp = cb_a;
#endif
    binary_op_init_common(cb_inp, cb_b, cb_out);
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
#ifdef PRE_ACT
        cb_wait_front(cb_a, n);
        reconfig_data_format_srca(cb_a);
        pack_reconfig_data_format(cb_inp);
        copy_tile_to_dst_init_short(cb_a);
        tile_regs_acquire();
        for (uint32_t i = 0; i < n; ++i) copy_tile(cb_a, i, i);
        TENSIM_CAT(PRE_ACT, _tile_init)();
        for (uint32_t i = 0; i < n; ++i) TENSIM_CAT(PRE_ACT, _tile)(i);
        tile_regs_commit();
        cb_reserve_back(cb_inp, n);
        tile_regs_wait();
        for (uint32_t i = 0; i < n; ++i) pack_tile(i, cb_inp);
        tile_regs_release();
        cb_push_back(cb_inp, n);
        cb_pop_front(cb_a, n);
#endif
        cb_wait_front(cb_inp, n);
        cb_wait_front(cb_b, n);
        reconfig_data_format(cb_inp, cb_b);
        pack_reconfig_data_format(cb_out);
        binary_tiles_init<true, ELTWISE_OP_TYPE>(cb_inp, cb_b);
        tile_regs_acquire();
        for (uint32_t i = 0; i < n; ++i) ELTWISE_OP(cb_inp, cb_b, i, i, i);
        tile_regs_commit();
        cb_reserve_back(cb_out, n);
        tile_regs_wait();
        for (uint32_t i = 0; i < n; ++i) pack_tile(i, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, n);
        cb_pop_front(cb_inp, n);
        cb_pop_front(cb_b, n);
    }
}
