// Writer of fill_cache (after TT-NN's writer_fill_cache_interleaved.cpp): each tile row of c_0
// (head h, row t of the new K/V) to the cache: user `user`'s head h, tile row t, or through the
// user's page-table row (virtual block t / block_tiles) when paged.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t cache_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t row0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_rows = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);
    const uint32_t in_rows = get_arg_val<uint32_t>(rt++);  // tile rows of S in the input
    const uint32_t user = get_arg_val<uint32_t>(rt++);
    const uint32_t n_kv = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);           // unpaged cache tile rows per head
    const uint32_t block_tiles = get_arg_val<uint32_t>(rt++);  // paged
    const uint32_t table = rt;                                 // paged: the user's blocks
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb);
    const InterleavedAddrGenFast<true> cache = {cache_addr, tb, get_dataformat(cb)};
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        const uint32_t h = row / in_rows, t = row % in_rows;
        uint32_t page;
        if (block_tiles == 0) {
            page = ((user * n_kv + h) * St + t) * Wt;
        } else {
            const uint32_t block = get_arg_val<uint32_t>(table + t / block_tiles);
            page = ((block * n_kv + h) * block_tiles + t % block_tiles) * Wt;
        }
        cb_wait_front(cb, Wt);
        uint32_t rd = get_read_ptr(cb);
        for (uint32_t d = 0; d < Wt; ++d, rd += tb) noc_async_write_tile(page + d, cache, rd);
        noc_async_write_barrier();
        cb_pop_front(cb, Wt);
    }
}
