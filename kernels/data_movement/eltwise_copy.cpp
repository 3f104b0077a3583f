// Compute kernel of typecast (TT-NN's eltwise_typecast / copy kernels): tiles of c_0 through Dst
// into c_2, whose data format is the target type; the packer does the conversion (rounding to
// bf16, or sharing exponents per 16 datums for bfloat8_b / bfloat4_b).
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t blk = get_compile_time_arg_val(0);
    constexpr uint32_t cb_in = tt::CBIndex::c_0, cb_out = tt::CBIndex::c_2;
    unary_op_init_common(cb_in, cb_out);
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
        cb_wait_front(cb_in, n);
        tile_regs_acquire();
        for (uint32_t i = 0; i < n; ++i) copy_tile(cb_in, i, i);
        tile_regs_commit();
        cb_reserve_back(cb_out, n);
        tile_regs_wait();
        for (uint32_t i = 0; i < n; ++i) pack_tile(i, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, n);
        cb_pop_front(cb_in, n);
    }
}
