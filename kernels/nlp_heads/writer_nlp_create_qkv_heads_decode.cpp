// Writer of nlp_create_qkv_heads_decode: each user's Q, K and V tiles (c_16, c_17, c_18) to the
// interleaved outputs ([users, heads, head_dim]: one tile row per user). TT-NN's decode program
// leaves them in place as height-sharded L1 shards, one user per core; here they go to memory.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t q_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t k_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t v_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t user0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_users = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const bool dram = get_arg_val<uint32_t>(rt++) != 0;
    const uint32_t tb = get_tile_size(16);
    const uint32_t addrs[3] = {q_addr, k_addr, v_addr};
    for (uint32_t u = user0; u < user0 + num_users; ++u)
        for (uint32_t part = 0; part < 3; ++part) {
            const uint32_t cb = 16 + part;
            const InterleavedAddrGenFast<true> gd = {addrs[part], tb, get_dataformat(cb)};
            const InterleavedAddrGenFast<false> gl = {addrs[part], tb, get_dataformat(cb)};
            cb_wait_front(cb, DHt);
            uint32_t rd = get_read_ptr(cb);
            for (uint32_t d = 0; d < DHt; ++d, rd += tb) {
                if (dram)
                    noc_async_write_tile(u * DHt + d, gd, rd);
                else
                    noc_async_write_tile(u * DHt + d, gl, rd);
            }
            noc_async_write_barrier();
            cb_pop_front(cb, DHt);
        }
}
