// Reader of sdpa_decode (after TT-NN's sdpa_decode/device/kernels/dataflow/reader_decode_all.cpp):
// this user's Q tiles once into c_0, then for each KV head the core owns and each of its chunks,
// the K chunk into c_1 in [head_dim][seq] tile order (the compute kernel transposes each tile on
// unpack, so Q K^T is a plain block matmul) and the V chunk into c_2 in [seq][head_dim] order.
// A paged cache maps each chunk's virtual tile row through this user's page-table entries
// (runtime arguments here; TT-NN reads them from a page-table tensor into an L1 CB).
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t q_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t k_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t v_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t user = get_arg_val<uint32_t>(rt++);
    const uint32_t head0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_heads = get_arg_val<uint32_t>(rt++);
    const uint32_t chunk_start = get_arg_val<uint32_t>(rt++);
    const uint32_t chunk_end = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sk = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);  // tile rows per (user, head), unpaged
    const uint32_t n_kv = get_arg_val<uint32_t>(rt++);
    const uint32_t block_tiles = get_arg_val<uint32_t>(rt++);  // 0: unpaged
    const uint32_t page_table_arg = rt;                        // paged: physical block per block
    if (chunk_start == chunk_end) return;

    constexpr uint32_t cb_q = 0, cb_k = 1, cb_v = 2;
    const uint32_t q_tile = get_tile_size(cb_q), k_tile = get_tile_size(cb_k),
                   v_tile = get_tile_size(cb_v);
    const InterleavedAddrGenFast<true> q_gen = {q_addr, q_tile, get_dataformat(cb_q)};
    const InterleavedAddrGenFast<true> k_gen = {k_addr, k_tile, get_dataformat(cb_k)};
    const InterleavedAddrGenFast<true> v_gen = {v_addr, v_tile, get_dataformat(cb_v)};

    cb_reserve_back(cb_q, DHt);
    uint32_t wr = get_write_ptr(cb_q);
    for (uint32_t d = 0; d < DHt; ++d, wr += q_tile) noc_async_read_tile(user * DHt + d, q_gen, wr);
    noc_async_read_barrier();
    cb_push_back(cb_q, DHt);

    // First page of a K/V tile row (row `t` of head `h` of this user).
    auto row_page = [&](uint32_t h, uint32_t t) -> uint32_t {
        if (block_tiles == 0) return ((user * n_kv + h) * St + t) * DHt;
        const uint32_t block = get_arg_val<uint32_t>(page_table_arg + t / block_tiles);
        return ((block * n_kv + h) * block_tiles + t % block_tiles) * DHt;
    };
    for (uint32_t h = head0; h < head0 + num_heads; ++h)
        for (uint32_t c = chunk_start; c < chunk_end; ++c) {
            const uint32_t t0 = c * Sk;
            cb_reserve_back(cb_k, Sk * DHt);
            const uint32_t k_base = get_write_ptr(cb_k);
            for (uint32_t j = 0; j < Sk; ++j) {
                const uint32_t page = row_page(h, t0 + j);
                for (uint32_t d = 0; d < DHt; ++d)
                    noc_async_read_tile(page + d, k_gen, k_base + (d * Sk + j) * k_tile);
            }
            noc_async_read_barrier();
            cb_push_back(cb_k, Sk * DHt);
            cb_reserve_back(cb_v, Sk * DHt);
            uint32_t v_wr = get_write_ptr(cb_v);
            for (uint32_t j = 0; j < Sk; ++j) {
                const uint32_t page = row_page(h, t0 + j);
                for (uint32_t d = 0; d < DHt; ++d, v_wr += v_tile)
                    noc_async_read_tile(page + d, v_gen, v_wr);
            }
            noc_async_read_barrier();
            cb_push_back(cb_v, Sk * DHt);
        }
}
