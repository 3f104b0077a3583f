// Reader of nlp_concat_heads (prefill; after TT-NN's experimental/transformer/nlp_concat_heads/
// device/kernels/dataflow/reader_tm_tile_layout_nlp_concat_heads.cpp): for each output tile row
// (batch b, tile row t) of this core, the head_dim tiles of every head, in head order, into c_0.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t in_addr = get_arg_val<uint32_t>(0);
    const uint32_t row0 = get_arg_val<uint32_t>(1);
    const uint32_t num_rows = get_arg_val<uint32_t>(2);
    const uint32_t St = get_arg_val<uint32_t>(3);
    const uint32_t DHt = get_arg_val<uint32_t>(4);
    const uint32_t nh = get_arg_val<uint32_t>(5);
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb);
    const InterleavedAddrGenFast<true> in = {in_addr, tb, get_dataformat(cb)};
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        const uint32_t b = row / St, t = row % St;
        cb_reserve_back(cb, nh * DHt);
        uint32_t wr = get_write_ptr(cb);
        for (uint32_t h = 0; h < nh; ++h)
            for (uint32_t d = 0; d < DHt; ++d, wr += tb)
                noc_async_read_tile(((b * nh + h) * St + t) * DHt + d, in, wr);
        noc_async_read_barrier();
        cb_push_back(cb, nh * DHt);
    }
}
