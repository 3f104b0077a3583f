// c = a + b on this core's shards. The inputs already sit in L1 (CBs on sharded buffers), so the
// kernel only publishes them, adds tile by tile into the output shard, and consumes them.
#include <cstdint>

#include "compute_kernel_api/eltwise_binary.h"

namespace NAMESPACE {
void MAIN {
    constexpr uint32_t n_tiles = get_compile_time_arg_val(0);
    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_in1 = tt::CBIndex::c_1;
    constexpr auto cb_out0 = tt::CBIndex::c_16;

    // The shards are in place: make them visible at the front of the input CBs.
    cb_push_back(cb_in0, n_tiles);
    cb_push_back(cb_in1, n_tiles);

    binary_op_init_common(cb_in0, cb_in1, cb_out0);
    add_tiles_init(cb_in0, cb_in1);
    cb_wait_front(cb_in0, n_tiles);
    cb_wait_front(cb_in1, n_tiles);
    for (uint32_t i = 0; i < n_tiles; i++) {
        tile_regs_acquire();
        add_tiles(cb_in0, cb_in1, i, i, 0);
        tile_regs_commit();
        tile_regs_wait();
        pack_tile<true>(0, cb_out0, i);
        tile_regs_release();
    }
    cb_pop_front(cb_in0, n_tiles);
    cb_pop_front(cb_in1, n_tiles);
}
}  // namespace NAMESPACE
