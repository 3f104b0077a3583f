// Core 0, reader: brings one tile from DRAM into CB c_0.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;
    const uint32_t tile_bytes = get_tile_size(cb_id);
    const InterleavedAddrGenFast<true> src = {.bank_base_address = src_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_id)};

    cb_reserve_back(cb_id, 1);
    noc_async_read_tile(0, src, get_write_ptr(cb_id));
    noc_async_read_barrier();
    cb_push_back(cb_id, 1);
}
