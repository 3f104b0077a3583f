// Writer of sdpa (after TT-NN's transformer/sdpa/device/kernels/dataflow/writer_interleaved.cpp):
// first the compute kernel's constant tiles (the reduce scaler of ones into c_5; the causal mask
// tiles into c_3: an all -inf tile and the diagonal tile, 0 on and below the diagonal) copied
// from a DRAM constant tensor the host writes (TT-NN generates them with RISC stores into L1,
// which tensim kernels cannot address); then each output chunk from c_16.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t const_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t out_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t St = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sq = get_arg_val<uint32_t>(rt++);
    const uint32_t num_items = get_arg_val<uint32_t>(rt++);
    const uint32_t items = rt;
    if (num_items == 0) return;
    constexpr uint32_t cb_mask = 3, cb_scaler = 5, cb_out = 16;
    const uint32_t ct = get_tile_size(cb_scaler);
    const InterleavedAddrGenFast<true> consts = {const_addr, ct, get_dataformat(cb_scaler)};
    cb_reserve_back(cb_scaler, 1);
    noc_async_read_tile(0, consts, get_write_ptr(cb_scaler));
    cb_reserve_back(cb_mask, 2);
    noc_async_read_tile(1, consts, get_write_ptr(cb_mask));
    noc_async_read_tile(2, consts, get_write_ptr(cb_mask) + ct);
    noc_async_read_barrier();
    cb_push_back(cb_scaler, 1);
    cb_push_back(cb_mask, 2);

    const uint32_t ot = get_tile_size(cb_out);
    const InterleavedAddrGenFast<true> out_gen = {out_addr, ot, get_dataformat(cb_out)};
    for (uint32_t it = 0; it < num_items; ++it) {
        const uint32_t bh = get_arg_val<uint32_t>(items + 2 * it);
        const uint32_t q_chunk = get_arg_val<uint32_t>(items + 2 * it + 1);
        cb_wait_front(cb_out, Sq * DHt);
        uint32_t rd = get_read_ptr(cb_out);
        const uint32_t page = (bh * St + q_chunk * Sq) * DHt;
        for (uint32_t t = 0; t < Sq * DHt; ++t, rd += ot)
            noc_async_write_tile(page + t, out_gen, rd);
        noc_async_write_barrier();
        cb_pop_front(cb_out, Sq * DHt);
    }
}
