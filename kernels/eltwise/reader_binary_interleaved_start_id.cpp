// Reader of the eltwise binary program (TT-NN's reader_binary_interleaved_start_id.cpp): tiles
// start_id .. start_id + num_tiles of A (c_0) and B (c_1) in blocks of blk. A sharded operand
// (IN0_SHARDED / IN1_SHARDED) is its CB already: the reader only announces the shard.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_tiles = get_arg_val<uint32_t>(2);
    const uint32_t start_id = get_arg_val<uint32_t>(3);
    constexpr bool a_dram = get_compile_time_arg_val(0) == 1;
    constexpr bool b_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t blk = get_compile_time_arg_val(2);
    constexpr uint32_t cb_a = 0, cb_b = 1;
#ifdef IN0_SHARDED
    cb_reserve_back(cb_a, num_tiles);
    cb_push_back(cb_a, num_tiles);
#endif
#ifdef IN1_SHARDED
    cb_reserve_back(cb_b, num_tiles);
    cb_push_back(cb_b, num_tiles);
#endif
#if !defined(IN0_SHARDED) || !defined(IN1_SHARDED)
    const InterleavedAddrGenFast<a_dram> sa = {.bank_base_address = a_addr,
                                               .page_size = uint32_t(get_tile_size(cb_a)),
                                               .data_format = get_dataformat(cb_a)};
    const InterleavedAddrGenFast<b_dram> sb = {.bank_base_address = b_addr,
                                               .page_size = uint32_t(get_tile_size(cb_b)),
                                               .data_format = get_dataformat(cb_b)};
    for (uint32_t t = 0; t < num_tiles; t += blk) {
        const uint32_t n = num_tiles - t < blk ? num_tiles - t : blk;
#ifndef IN0_SHARDED
        cb_reserve_back(cb_a, n);
        uint32_t la = get_write_ptr(cb_a);
        for (uint32_t i = 0; i < n; ++i, la += get_tile_size(cb_a))
            noc_async_read_tile(start_id + t + i, sa, la);
#endif
#ifndef IN1_SHARDED
        cb_reserve_back(cb_b, n);
        uint32_t lb = get_write_ptr(cb_b);
        for (uint32_t i = 0; i < n; ++i, lb += get_tile_size(cb_b))
            noc_async_read_tile(start_id + t + i, sb, lb);
#endif
        noc_async_read_barrier();
#ifndef IN0_SHARDED
        cb_push_back(cb_a, n);
#endif
#ifndef IN1_SHARDED
        cb_push_back(cb_b, n);
#endif
    }
#endif
}
