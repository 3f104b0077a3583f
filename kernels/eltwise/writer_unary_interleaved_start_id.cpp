// Writer of the eltwise and data-movement programs (TT-NN's writer_unary_interleaved_start_id.cpp):
// tiles start_id .. start_id + num_tiles from CB `cb` in blocks of blk. OUT_SHARDED: the CB is the
// output shard, so the writer only waits for it to be complete.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_id = get_arg_val<uint32_t>(2);
    constexpr bool dst_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t blk = get_compile_time_arg_val(1);
    constexpr uint32_t cb = get_compile_time_arg_val(2);
#ifdef OUT_SHARDED
    cb_wait_front(cb, num_tiles);
#else
    const uint32_t tile_bytes = get_tile_size(cb);
    const InterleavedAddrGenFast<dst_dram> s = {
        .bank_base_address = dst_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb)};
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
        cb_wait_front(cb, n);
        uint32_t l1 = get_read_ptr(cb);
        for (uint32_t i = 0; i < n; ++i, l1 += tile_bytes)
            noc_async_write_tile(start_id + t + i, s, l1);
        noc_async_write_barrier();
        cb_pop_front(cb, n);
    }
#endif
}
