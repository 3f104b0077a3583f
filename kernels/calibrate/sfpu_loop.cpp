// A unary SFPU op looped over Dst-resident tiles, unpack and pack kept out of the timed loop:
// copy `tiles` tiles from CB c_0 into Dst once, apply the op `repeats` times to each, then pack
// them to CB c_16. The host times the math thread (TRISC1) with `repeats` and with 0 repeats; the
// difference is the loop. The op comes in as defines: SFPU_OP_INIT() and SFPU_OP(i).
#include <cstdint>

#include "compute_kernel_api.h"
#include "compute_kernel_api/eltwise_unary/eltwise_unary.h"
#include "compute_kernel_api/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t tiles = get_compile_time_arg_val(0);
    const uint32_t repeats = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    init_sfpu(cb_in, cb_out);
    cb_wait_front(cb_in, tiles);
    tile_regs_acquire();
    copy_tile_init(cb_in);
    for (uint32_t i = 0; i < tiles; ++i) copy_tile(cb_in, i, i);
    SFPU_OP_INIT();
    for (uint32_t r = 0; r < repeats; ++r)
        for (uint32_t i = 0; i < tiles; ++i) SFPU_OP(i);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(cb_out, tiles);
    for (uint32_t i = 0; i < tiles; ++i) pack_tile(i, cb_out);
    cb_push_back(cb_out, tiles);
    tile_regs_release();
    cb_pop_front(cb_in, tiles);
}
