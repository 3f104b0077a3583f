// Reader of nlp_create_qkv_heads_decode (after TT-NN's experimental/transformer/
// nlp_create_qkv_heads_decode/device/kernels/reader_interleaved_tm_tile_layout_nlp_create_qkv_
// heads_decode.cpp): for each user of this core, builds its Q, K and V tiles (heads on the
// rows) from the fused QKV activation (users on the rows): head h's head_dim values of user u are
// row u of the fused tiles h * DHt .. and become row h of the user's tiles. A row of a tile is two
// 16-datum face lines, so each (user, head, tile) is two line reads.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t in_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t user0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_users = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t nq = get_arg_val<uint32_t>(rt++);
    const uint32_t nkv = get_arg_val<uint32_t>(rt++);
    constexpr uint32_t cb_q = 16, cb_k = 17, cb_v = 18, cb_in = 0;
    const uint32_t tb = get_tile_size(cb_in), datum = tb / 1024, line = 16 * datum;
    const InterleavedAddrGenFast<true> in = {in_addr, tb, get_dataformat(cb_in)};
    const uint32_t Wt = (nq + 2 * nkv) * DHt;
    // Byte offset of the first line of row r in a tile (faces 0/1 for r < 16, 2/3 after).
    auto row_off = [&](uint32_t r) { return r < 16 ? r * line : 512 * datum + (r - 16) * line; };
    for (uint32_t u = user0; u < user0 + num_users; ++u) {
        const uint32_t in_row = u % 32, in_trow = u / 32;
        for (uint32_t part = 0; part < 3; ++part) {
            const uint32_t cb = part == 0 ? cb_q : part == 1 ? cb_k : cb_v;
            const uint32_t h0 = part == 0 ? 0 : part == 1 ? nq : nq + nkv;
            const uint32_t nh = part == 0 ? nq : nkv;
            cb_reserve_back(cb, DHt);
            const uint32_t base = get_write_ptr(cb);
            for (uint32_t h = 0; h < nh; ++h)
                for (uint32_t d = 0; d < DHt; ++d) {
                    const uint32_t page = in_trow * Wt + (h0 + h) * DHt + d;
                    const uint32_t dst = base + d * tb + row_off(h), src = row_off(in_row);
                    noc_async_read(get_noc_addr(page, in, src), dst, line);
                    noc_async_read(get_noc_addr(page, in, src + 256 * datum), dst + 256 * datum,
                                   line);
                }
            noc_async_read_barrier();
            cb_push_back(cb, DHt);
        }
    }
}
