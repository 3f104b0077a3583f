// Reads one page of uint32 from DRAM into L1, adds the compile-time value to each word through an
// L1 pointer, and writes the page to a second DRAM buffer. Included by TT-Metalium's path.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t src = get_arg_val<uint32_t>(0);
    const uint32_t dst = get_arg_val<uint32_t>(1);
    const uint32_t words = get_arg_val<uint32_t>(2);
    constexpr uint32_t value = get_compile_time_arg_val(0);
    const uint32_t bytes = words * sizeof(uint32_t);
    const InterleavedAddrGen<true> in = {.bank_base_address = src, .page_size = bytes};
    const InterleavedAddrGen<true> out = {.bank_base_address = dst, .page_size = bytes};
    const uint32_t l1 = get_write_ptr(0);
    noc_async_read(get_noc_addr(0, in), l1, bytes);
    noc_async_read_barrier();
    volatile uint32_t* v = reinterpret_cast<volatile uint32_t*>(l1);
    for (uint32_t i = 0; i < words; ++i) v[i] = v[i] + value;
    noc_async_write(l1, get_noc_addr(0, out), bytes);
    noc_async_write_barrier();
}
