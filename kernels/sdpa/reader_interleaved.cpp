// Reader of sdpa (causal prefill; after TT-NN's transformer/sdpa/device/kernels/dataflow/
// reader_interleaved.cpp): for each (batch x head, Q chunk) item of this core, the Q chunk
// (Sq x DHt tiles) into c_0, then the K/V chunks up to the diagonal: K into c_1 in
// [head_dim][seq] tile order (transposed on unpack), V into c_2 in [seq][head_dim] order. The
// K/V head of Q head h is h / (n_q_heads / n_kv_heads) (GQA).
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t q_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t k_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t v_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sq = get_arg_val<uint32_t>(rt++);
    const uint32_t Sk = get_arg_val<uint32_t>(rt++);
    const uint32_t nq = get_arg_val<uint32_t>(rt++);
    const uint32_t nkv = get_arg_val<uint32_t>(rt++);
    const uint32_t num_items = get_arg_val<uint32_t>(rt++);
    const uint32_t items = rt;  // pairs (batch * nq + head, q chunk)

    constexpr uint32_t cb_q = 0, cb_k = 1, cb_v = 2;
    const uint32_t qt = get_tile_size(cb_q), kt = get_tile_size(cb_k), vt = get_tile_size(cb_v);
    const InterleavedAddrGenFast<true> q_gen = {q_addr, qt, get_dataformat(cb_q)};
    const InterleavedAddrGenFast<true> k_gen = {k_addr, kt, get_dataformat(cb_k)};
    const InterleavedAddrGenFast<true> v_gen = {v_addr, vt, get_dataformat(cb_v)};
    for (uint32_t it = 0; it < num_items; ++it) {
        const uint32_t bh = get_arg_val<uint32_t>(items + 2 * it);
        const uint32_t q_chunk = get_arg_val<uint32_t>(items + 2 * it + 1);
        const uint32_t kv_head = (bh / nq) * nkv + (bh % nq) / (nq / nkv);
        cb_reserve_back(cb_q, Sq * DHt);
        uint32_t wr = get_write_ptr(cb_q);
        const uint32_t q_page = (bh * St + q_chunk * Sq) * DHt;
        for (uint32_t t = 0; t < Sq * DHt; ++t, wr += qt)
            noc_async_read_tile(q_page + t, q_gen, wr);
        noc_async_read_barrier();
        cb_push_back(cb_q, Sq * DHt);
        const uint32_t k_chunks = ((q_chunk + 1) * Sq + Sk - 1) / Sk;
        for (uint32_t kc = 0; kc < k_chunks; ++kc) {
            const uint32_t page0 = (kv_head * St + kc * Sk) * DHt;
            cb_reserve_back(cb_k, Sk * DHt);
            const uint32_t kb = get_write_ptr(cb_k);
            for (uint32_t j = 0; j < Sk; ++j)
                for (uint32_t d = 0; d < DHt; ++d)
                    noc_async_read_tile(page0 + j * DHt + d, k_gen, kb + (d * Sk + j) * kt);
            noc_async_read_barrier();
            cb_push_back(cb_k, Sk * DHt);
            cb_reserve_back(cb_v, Sk * DHt);
            uint32_t vw = get_write_ptr(cb_v);
            for (uint32_t t = 0; t < Sk * DHt; ++t, vw += vt)
                noc_async_read_tile(page0 + t, v_gen, vw);
            noc_async_read_barrier();
            cb_push_back(cb_v, Sk * DHt);
        }
    }
}
