// Writer of the interleaved norm program (TT-NN's writer_unary_interleaved_start_id_blocked.cpp):
// num_tiles output tiles from start_id on, taken from c_16 in blocks of blk tiles.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t start_id = get_arg_val<uint32_t>(1);
    const uint32_t num_tiles = get_arg_val<uint32_t>(2);
    constexpr bool dst_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t blk = get_compile_time_arg_val(1);
    constexpr uint32_t cb_out = 16;
    const uint32_t tile_bytes = get_tile_size(cb_out);
    const InterleavedAddrGenFast<dst_dram> dst = {.bank_base_address = dst_addr,
                                                  .page_size = tile_bytes,
                                                  .data_format = get_dataformat(cb_out)};
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
        cb_wait_front(cb_out, n);
        uint32_t l1 = get_read_ptr(cb_out);
        for (uint32_t i = 0; i < n; ++i) {
            noc_async_write_tile(start_id + t + i, dst, l1);
            l1 += tile_bytes;
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out, n);
    }
}
