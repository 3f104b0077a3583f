// Reader of update_cache (decode; after TT-NN's experimental/paged_cache/device/kernels/dataflow/
// reader_update_cache_interleaved_start_id.cpp): for each (user, KV head) of this core, the cache
// tile row holding cur_pos (through the page table when paged) into c_0, and the user's new K or
// V tile row (heads on its rows) once per user into c_1.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t cache_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t in_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t user0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_users = get_arg_val<uint32_t>(rt++);
    const uint32_t n_kv = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);           // unpaged: tile rows per head
    const uint32_t block_tiles = get_arg_val<uint32_t>(rt++);  // paged: tile rows per block
    const uint32_t blocks_per_user = get_arg_val<uint32_t>(rt++);
    const uint32_t pos_arg = rt;  // cur_pos per user, then (paged) the users' page-table rows
    constexpr uint32_t cb_cache = 0, cb_in = 1;
    const uint32_t ct = get_tile_size(cb_cache), it = get_tile_size(cb_in);
    const InterleavedAddrGenFast<true> cache = {cache_addr, ct, get_dataformat(cb_cache)};
    const InterleavedAddrGenFast<true> in = {in_addr, it, get_dataformat(cb_in)};
    for (uint32_t u = 0; u < num_users; ++u) {
        const uint32_t user = user0 + u;
        const uint32_t t = get_arg_val<uint32_t>(pos_arg + u) / 32;
        cb_reserve_back(cb_in, Wt);
        uint32_t wr = get_write_ptr(cb_in);
        for (uint32_t d = 0; d < Wt; ++d, wr += it) noc_async_read_tile(user * Wt + d, in, wr);
        noc_async_read_barrier();
        cb_push_back(cb_in, Wt);
        for (uint32_t h = 0; h < n_kv; ++h) {
            uint32_t page;
            if (block_tiles == 0) {
                page = ((user * n_kv + h) * St + t) * Wt;
            } else {
                const uint32_t block = get_arg_val<uint32_t>(pos_arg + num_users +
                                                             u * blocks_per_user + t / block_tiles);
                page = ((block * n_kv + h) * block_tiles + t % block_tiles) * Wt;
            }
            cb_reserve_back(cb_cache, Wt);
            wr = get_write_ptr(cb_cache);
            for (uint32_t d = 0; d < Wt; ++d, wr += ct) noc_async_read_tile(page + d, cache, wr);
            noc_async_read_barrier();
            cb_push_back(cb_cache, Wt);
        }
    }
}
