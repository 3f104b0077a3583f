// Writer of nlp_concat_heads (TT-NN's generic writer_unary_interleaved_start_id.cpp): this
// core's tiles from c_0 to consecutive pages of the output, starting at start_id.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_id = get_arg_val<uint32_t>(2);
    const uint32_t block = get_arg_val<uint32_t>(3);  // tiles per CB handshake
    constexpr uint32_t cb = 0;
    const uint32_t tb = get_tile_size(cb);
    const InterleavedAddrGenFast<true> out = {out_addr, tb, get_dataformat(cb)};
    for (uint32_t i = 0; i < num_tiles; i += block) {
        cb_wait_front(cb, block);
        uint32_t rd = get_read_ptr(cb);
        for (uint32_t j = 0; j < block; ++j, rd += tb)
            noc_async_write_tile(start_id + i + j, out, rd);
        noc_async_write_barrier();
        cb_pop_front(cb, block);
    }
}
