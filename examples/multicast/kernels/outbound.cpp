// Receiver, outbound: writes the received tile to its own page of the output buffer.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t page = get_arg_val<uint32_t>(1);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;
    const uint32_t tile_bytes = get_tile_size(cb_id);
    const InterleavedAddrGenFast<true> dst = {.bank_base_address = dst_addr,
                                              .page_size = tile_bytes,
                                              .data_format = get_dataformat(cb_id)};

    cb_wait_front(cb_id, 1);
    noc_async_write_tile(page, dst, get_read_ptr(cb_id));
    noc_async_write_barrier();
    cb_pop_front(cb_id, 1);
}
