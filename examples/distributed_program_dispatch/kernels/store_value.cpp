// Stores runtime arg 0 in this core's L1 at runtime arg 1, after `delay` (arg 2) reads of that word
// so that programs of different lengths are easy to make.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t value = get_arg_val<uint32_t>(0);
    uint32_t addr = get_arg_val<uint32_t>(1);
    uint32_t delay = get_arg_val<uint32_t>(2);
    for (uint32_t i = 0; i < delay; ++i) {
        noc_async_read(get_noc_addr(addr), addr + 16, 16);
        noc_async_read_barrier();
    }
    noc_inline_dw_write(get_noc_addr(addr), value);
    noc_async_write_barrier();
}
