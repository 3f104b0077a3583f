// Writer of rotary_embedding_llama (after TT-NN's writer_rotary_embedding_llama_interleaved_
// start_id.cpp): this core's output tile rows from c_16 to the interleaved output.
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t out_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t row0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_rows = get_arg_val<uint32_t>(rt++);
    const uint32_t Wt = get_arg_val<uint32_t>(rt++);
    const bool out_dram = get_arg_val<uint32_t>(rt++) != 0;
    constexpr uint32_t cb_out = 16;
    const uint32_t ot = get_tile_size(cb_out);
    const InterleavedAddrGenFast<true> od = {out_addr, ot, get_dataformat(cb_out)};
    const InterleavedAddrGenFast<false> ol = {out_addr, ot, get_dataformat(cb_out)};
    for (uint32_t row = row0; row < row0 + num_rows; ++row) {
        cb_wait_front(cb_out, Wt);
        uint32_t rd = get_read_ptr(cb_out);
        for (uint32_t d = 0; d < Wt; ++d, rd += ot) {
            if (out_dram)
                noc_async_write_tile(row * Wt + d, od, rd);
            else
                noc_async_write_tile(row * Wt + d, ol, rd);
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out, Wt);
    }
}
