// Reads the input tiles into CB c_0 one at a time, after one tile of ones into CB c_1 that the
// compute kernel keeps for the whole run.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t ones_addr = get_arg_val<uint32_t>(1);
    uint32_t n_tiles = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_ones = tt::CBIndex::c_1;
    const uint32_t tile_size_bytes = get_tile_size(cb_in0);

    constexpr auto src_args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(src_args, src_addr, tile_size_bytes);
    constexpr auto ones_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto ones = TensorAccessor(ones_args, ones_addr, tile_size_bytes);

    cb_reserve_back(cb_ones, 1);
    noc_async_read_tile(0, ones, get_write_ptr(cb_ones));
    noc_async_read_barrier();
    cb_push_back(cb_ones, 1);

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_reserve_back(cb_in0, 1);
        noc_async_read_tile(i, src, get_write_ptr(cb_in0));
        noc_async_read_barrier();
        cb_push_back(cb_in0, 1);
    }
}
