// Reader of nlp_concat_heads_decode (after TT-NN's experimental/transformer/
// nlp_concat_heads_decode/device/kernels/dataflow/reader_tm_tile_layout_nlp_concat_heads_decode
// .cpp): builds this core's output tiles ([1, users, heads * head_dim], users on the rows) from
// the per-user attention output ([users, heads, head_dim], heads on the rows): row u of output
// tile (h * DHt + d) is row h of user u's tile d, two 16-datum face lines per row.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t tile0 = get_arg_val<uint32_t>(rt++);  // first output column tile
    const uint32_t num_tiles = get_arg_val<uint32_t>(rt++);
    const uint32_t users = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);  // output tiles per tile row
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb), datum = tb / 1024, line = 16 * datum;
    const InterleavedAddrGenFast<true> in = {in_addr, tb, get_dataformat(cb)};
    auto row_off = [&](uint32_t r) { return r < 16 ? r * line : 512 * datum + (r - 16) * line; };
    const uint32_t trows = (users + 31) / 32;
    for (uint32_t tr = 0; tr < trows; ++tr)
        for (uint32_t c = tile0; c < tile0 + num_tiles; ++c) {
            const uint32_t h = c / DHt, d = c % DHt;
            cb_reserve_back(cb, 1);
            const uint32_t dst = get_write_ptr(cb);
            for (uint32_t r = 0; r < 32 && tr * 32 + r < users; ++r) {
                const uint32_t u = tr * 32 + r;
                const uint32_t page = u * DHt + d, src = row_off(h);
                noc_async_read(get_noc_addr(page, in, src), dst + row_off(r), line);
                noc_async_read(get_noc_addr(page, in, src + 256 * datum),
                               dst + row_off(r) + 256 * datum, line);
            }
            noc_async_read_barrier();
            cb_push_back(cb, 1);
        }
    (void)Wt;
}
