// Reader of typecast (TT-NN's reader_unary_interleaved_start_id.cpp): tiles start_id ..
// start_id + num_tiles into c_0 in blocks of blk; IN_SHARDED: c_0 is the shard, announced whole.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_id = get_arg_val<uint32_t>(2);
    constexpr bool src_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t blk = get_compile_time_arg_val(1);
    constexpr uint32_t cb = 0;
#ifdef IN_SHARDED
    cb_reserve_back(cb, num_tiles);
    cb_push_back(cb, num_tiles);
#else
    const uint32_t tile_bytes = get_tile_size(cb);
    const InterleavedAddrGenFast<src_dram> s = {
        .bank_base_address = src_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb)};
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
        cb_reserve_back(cb, n);
        uint32_t l1 = get_write_ptr(cb);
        for (uint32_t i = 0; i < n; ++i, l1 += tile_bytes)
            noc_async_read_tile(start_id + t + i, s, l1);
        noc_async_read_barrier();
        cb_push_back(cb, n);
    }
#endif
}
