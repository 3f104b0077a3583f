// Writer of update_cache (after TT-NN's writer_update_cache_interleaved_start_id.cpp): per
// (user, KV head), copies the head's new row (row h of the user's untilized input, c_25) over row
// cur_pos % 32 of the untilized cache block (c_24) with a local NoC read, publishes the block to
// compute as c_26 (same L1), and writes the re-tilized tile row (c_16) back to the cache.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t cache_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t num_users = get_arg_val<uint32_t>(rt++);
    const uint32_t n_kv = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);
    const uint32_t block_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t blocks_per_user = get_arg_val<uint32_t>(rt++);
    const uint32_t user0 = get_arg_val<uint32_t>(rt++);
    const uint32_t pos_arg = rt;
    constexpr uint32_t cb_out = 16, cb_untilized_cache = 24, cb_untilized_in = 25,
                       cb_untilized_cache2 = 26;
    const uint32_t ot = get_tile_size(cb_out);
    const InterleavedAddrGenFast<true> cache = {cache_addr, ot, get_dataformat(cb_out)};
    const uint32_t row_bytes = Wt * 32 * 2;  // one untilized bf16 row
    for (uint32_t u = 0; u < num_users; ++u) {
        const uint32_t user = user0 + u;
        const uint32_t pos = get_arg_val<uint32_t>(pos_arg + u);
        const uint32_t t = pos / 32, r = pos % 32;
        cb_wait_front(cb_untilized_in, Wt);
        for (uint32_t h = 0; h < n_kv; ++h) {
            cb_wait_front(cb_untilized_cache, Wt);
            cb_reserve_back(cb_untilized_cache2, Wt);
            noc_async_read(get_noc_addr(get_read_ptr(cb_untilized_in) + h * row_bytes),
                           get_read_ptr(cb_untilized_cache) + r * row_bytes, row_bytes);
            noc_async_read_barrier();
            cb_push_back(cb_untilized_cache2, Wt);
            cb_pop_front(cb_untilized_cache, Wt);
            uint32_t page;
            if (block_tiles == 0) {
                page = ((user * n_kv + h) * St + t) * Wt;
            } else {
                const uint32_t block = get_arg_val<uint32_t>(pos_arg + num_users +
                                                             u * blocks_per_user + t / block_tiles);
                page = ((block * n_kv + h) * block_tiles + t % block_tiles) * Wt;
            }
            cb_wait_front(cb_out, Wt);
            uint32_t rd = get_read_ptr(cb_out);
            for (uint32_t d = 0; d < Wt; ++d, rd += ot) noc_async_write_tile(page + d, cache, rd);
            noc_async_write_barrier();
            cb_pop_front(cb_out, Wt);
        }
        cb_pop_front(cb_untilized_in, Wt);
    }
}
