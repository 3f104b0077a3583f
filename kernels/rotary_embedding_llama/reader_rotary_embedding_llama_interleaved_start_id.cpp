// Reader of rotary_embedding_llama (after TT-NN's experimental/transformer/rotary_embedding_llama/
// device/kernels/dataflow/reader_rotary_embedding_llama_interleaved_start_id.cpp): the
// transformation matrix T once into c_2, then for each of this core's tile rows of x its
// head_dim tiles into c_0 and the matching cos and sin tiles into c_3 and c_4. The cos/sin tile
// row of x tile row `row` is `row % cos_rows` (prefill: one row of angles per position, shared by
// every head) or `row / rows_per_user` (decode: one row per user, broadcast over its heads).
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t x_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t cos_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t sin_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t t_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t row0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_rows = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);
    const uint32_t cos_rows = get_arg_val<uint32_t>(rt++);       // prefill: tile rows of cos
    const uint32_t rows_per_user = get_arg_val<uint32_t>(rt++);  // decode: x tile rows per user
    const bool x_dram = get_arg_val<uint32_t>(rt++) != 0;
    constexpr uint32_t cb_x = 0, cb_t = 2, cb_cos = 3, cb_sin = 4;
    const uint32_t xt = get_tile_size(cb_x), ct = get_tile_size(cb_cos), tt_ = get_tile_size(cb_t);
    const InterleavedAddrGenFast<true> cos_gen = {cos_addr, ct, get_dataformat(cb_cos)};
    const InterleavedAddrGenFast<true> sin_gen = {sin_addr, ct, get_dataformat(cb_sin)};
    const InterleavedAddrGenFast<true> t_gen = {t_addr, tt_, get_dataformat(cb_t)};
    const InterleavedAddrGenFast<true> xd = {x_addr, xt, get_dataformat(cb_x)};
    const InterleavedAddrGenFast<false> xl = {x_addr, xt, get_dataformat(cb_x)};

    cb_reserve_back(cb_t, 1);
    noc_async_read_tile(0, t_gen, get_write_ptr(cb_t));
    noc_async_read_barrier();
    cb_push_back(cb_t, 1);
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        cb_reserve_back(cb_x, Wt);
        uint32_t wr = get_write_ptr(cb_x);
        for (uint32_t d = 0; d < Wt; ++d, wr += xt) {
            if (x_dram)
                noc_async_read_tile(row * Wt + d, xd, wr);
            else
                noc_async_read_tile(row * Wt + d, xl, wr);
        }
        const uint32_t crow = rows_per_user ? row / rows_per_user : row % cos_rows;
        cb_reserve_back(cb_cos, Wt);
        cb_reserve_back(cb_sin, Wt);
        uint32_t cw = get_write_ptr(cb_cos), sw = get_write_ptr(cb_sin);
        for (uint32_t d = 0; d < Wt; ++d, cw += ct, sw += ct) {
            noc_async_read_tile(crow * Wt + d, cos_gen, cw);
            noc_async_read_tile(crow * Wt + d, sin_gen, sw);
        }
        noc_async_read_barrier();
        cb_push_back(cb_x, Wt);
        cb_push_back(cb_cos, Wt);
        cb_push_back(cb_sin, Wt);
    }
}
