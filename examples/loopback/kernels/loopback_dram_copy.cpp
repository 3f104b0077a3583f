// Copies num_tiles pages from one DRAM buffer to another through a one-tile L1 buffer.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    std::uint32_t l1_buffer_addr = get_arg_val<uint32_t>(0);
    std::uint32_t src_addr = get_arg_val<uint32_t>(1);
    std::uint32_t dst_addr = get_arg_val<uint32_t>(2);
    std::uint32_t num_tiles = get_arg_val<uint32_t>(3);

    constexpr uint32_t tile_size_bytes = 32 * 32 * 2;
    const InterleavedAddrGenFast<true> in0 = {.bank_base_address = src_addr,
                                              .page_size = tile_size_bytes,
                                              .data_format = DataFormat::Float16_b};
    const InterleavedAddrGenFast<true> out0 = {.bank_base_address = dst_addr,
                                               .page_size = tile_size_bytes,
                                               .data_format = DataFormat::Float16_b};

    for (uint32_t i = 0; i < num_tiles; i++) {
        noc_async_read_tile(i, in0, l1_buffer_addr);
        noc_async_read_barrier();
        noc_async_write_tile(i, out0, l1_buffer_addr);
        noc_async_write_barrier();
    }
}
