// Compute kernel of rotary_embedding_llama (after TT-NN's rotary_embedding_llama.cpp and
// rotary_embedding_llama_sharded.cpp): per tile of x, rotated = x T on the matrix engine (T one
// tile of +-1 that swaps and negates the pairs of each 32-wide block), then
// out = x * cos + rotated * sin. Decode (BCAST_ROWS) broadcasts the user's one row of cos/sin
// over the tile's head rows; prefill multiplies element-wise.
// CBs: c_0 x, c_2 T, c_3 cos, c_4 sin, c_16 out, c_24 rotated, c_25 rotated * sin.
#include <cstdint>

#include "compute_kernel_api/bcast.h"
#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/matmul.h"
#include "compute_kernel_api/tile_move_copy.h"

namespace NAMESPACE {

constexpr uint32_t cb_x = 0, cb_t = 2, cb_cos = 3, cb_sin = 4, cb_out = 16, cb_rot = 24,
                   cb_rot_sin = 25;

inline void pack_one(uint32_t cb) {
    tile_regs_commit();
    tile_regs_wait();
    pack_tile(0, cb);
    tile_regs_release();
}

// Dst 0 = a[i] * b[i] (decode: b's row 0 over every row).
inline void mul_into_dst(uint32_t a, uint32_t b, uint32_t i) {
    reconfig_data_format(a, b);
#ifdef BCAST_ROWS
    mul_bcast_rows_init_short(a, b);
    mul_tiles_bcast_rows(a, b, i, i, 0);
#else
    mul_tiles_init(a, b);
    mul_tiles(a, b, i, i, 0);
#endif
}

void MAIN {
    const uint32_t num_rows = get_arg_val<uint32_t>(0);
    const uint32_t Wt = get_arg_val<uint32_t>(1);
    mm_init(cb_x, cb_t, cb_rot);
    cb_wait_front(cb_t, 1);
    for (uint32_t row = 0; row < num_rows; ++row) {
        cb_wait_front(cb_x, Wt);
        cb_wait_front(cb_cos, Wt);
        cb_wait_front(cb_sin, Wt);
        reconfig_data_format(cb_t, cb_x);
        mm_init_short(cb_x, cb_t);
        cb_reserve_back(cb_rot, Wt);
        for (uint32_t d = 0; d < Wt; ++d) {
            tile_regs_acquire();
            matmul_tiles(cb_x, cb_t, d, 0, 0);
            pack_one(cb_rot);
        }
        cb_push_back(cb_rot, Wt);
        cb_wait_front(cb_rot, Wt);
        cb_reserve_back(cb_rot_sin, Wt);
        for (uint32_t d = 0; d < Wt; ++d) {
            tile_regs_acquire();
            mul_into_dst(cb_rot, cb_sin, d);
            pack_one(cb_rot_sin);
        }
        cb_push_back(cb_rot_sin, Wt);
        cb_pop_front(cb_rot, Wt);
        cb_wait_front(cb_rot_sin, Wt);
        cb_reserve_back(cb_out, Wt);
        for (uint32_t d = 0; d < Wt; ++d) {
            tile_regs_acquire();
            mul_into_dst(cb_x, cb_cos, d);
            reconfig_data_format_srcb(cb_rot_sin);
            binary_dest_reuse_tiles_init<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(
                cb_rot_sin);
            binary_dest_reuse_tiles<ELWADD, EltwiseBinaryReuseDestType::DEST_TO_SRCA>(cb_rot_sin, d,
                                                                                      0);
            pack_one(cb_out);
        }
        cb_push_back(cb_out, Wt);
        cb_pop_front(cb_rot_sin, Wt);
        cb_pop_front(cb_x, Wt);
        cb_pop_front(cb_cos, Wt);
        cb_pop_front(cb_sin, Wt);
    }
    cb_pop_front(cb_t, 1);
}

}  // namespace NAMESPACE
