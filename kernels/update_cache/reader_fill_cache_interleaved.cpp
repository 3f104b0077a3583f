// Reader of fill_cache (prefill; after TT-NN's experimental/paged_cache/device/kernels/dataflow/
// reader_fill_cache_interleaved.cpp): this core's tile rows of the new K or V ([heads, S, dim])
// into c_0, one tile row at a time.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t in_addr = get_arg_val<uint32_t>(0);
    const uint32_t row0 = get_arg_val<uint32_t>(1);
    const uint32_t num_rows = get_arg_val<uint32_t>(2);
    const uint32_t Wt = get_arg_val<uint32_t>(3);
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb);
    const InterleavedAddrGenFast<true> in = {in_addr, tb, get_dataformat(cb)};
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        cb_reserve_back(cb, Wt);
        uint32_t wr = get_write_ptr(cb);
        for (uint32_t d = 0; d < Wt; ++d, wr += tb) noc_async_read_tile(row * Wt + d, in, wr);
        noc_async_read_barrier();
        cb_push_back(cb, Wt);
    }
}
