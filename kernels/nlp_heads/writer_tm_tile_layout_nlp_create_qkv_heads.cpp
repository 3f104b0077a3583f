// Writer of nlp_create_qkv_heads (after TT-NN's writer_tm_tile_layout_nlp_create_qkv_heads.cpp):
// each fused tile row (batch b, tile row t) from c_0 split into its heads: Q heads to q
// ([batch * n_q, S, head_dim]), then the K and V heads to k and v.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t q_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t k_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t v_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t row0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_rows = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t nq = get_arg_val<uint32_t>(rt++);
    const uint32_t nkv = get_arg_val<uint32_t>(rt++);
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb);
    const InterleavedAddrGenFast<true> q = {q_addr, tb, get_dataformat(cb)};
    const InterleavedAddrGenFast<true> k = {k_addr, tb, get_dataformat(cb)};
    const InterleavedAddrGenFast<true> v = {v_addr, tb, get_dataformat(cb)};
    const uint32_t Wt = (nq + 2 * nkv) * DHt;
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        const uint32_t b = row / St, t = row % St;
        cb_wait_front(cb, Wt);
        uint32_t rd = get_read_ptr(cb);
        for (uint32_t h = 0; h < nq + 2 * nkv; ++h)
            for (uint32_t d = 0; d < DHt; ++d, rd += tb) {
                if (h < nq)
                    noc_async_write_tile(((b * nq + h) * St + t) * DHt + d, q, rd);
                else if (h < nq + nkv)
                    noc_async_write_tile(((b * nkv + h - nq) * St + t) * DHt + d, k, rd);
                else
                    noc_async_write_tile(((b * nkv + h - nq - nkv) * St + t) * DHt + d, v, rd);
            }
        noc_async_write_barrier();
        cb_pop_front(cb, Wt);
    }
}
