// Writes tiles from CB c_16 to a DRAM buffer.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);

    constexpr uint32_t cb_out0 = tt::CBIndex::c_16;
    const uint32_t tile_bytes = get_tile_size(cb_out0);
    const InterleavedAddrGenFast<true> out = {.bank_base_address = dst_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_out0)};

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_out0, 1);
        noc_async_write_tile(i, out, get_read_ptr(cb_out0));
        noc_async_write_barrier();
        cb_pop_front(cb_out0, 1);
    }
}
