// Reads tiles i of two DRAM buffers into CBs c_0 and c_1, one tile at a time.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t src0_addr = get_arg_val<uint32_t>(0);
    uint32_t src1_addr = get_arg_val<uint32_t>(1);
    uint32_t n_tiles = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    const uint32_t tile_bytes = get_tile_size(cb_in0);
    const InterleavedAddrGenFast<true> in0 = {.bank_base_address = src0_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_in0)};
    const InterleavedAddrGenFast<true> in1 = {.bank_base_address = src1_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_in1)};

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_reserve_back(cb_in0, 1);
        cb_reserve_back(cb_in1, 1);
        noc_async_read_tile(i, in0, get_write_ptr(cb_in0));
        noc_async_read_tile(i, in1, get_write_ptr(cb_in1));
        noc_async_read_barrier();
        cb_push_back(cb_in0, 1);
        cb_push_back(cb_in1, 1);
    }
}
