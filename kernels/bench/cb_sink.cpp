// Frees CB c_0 batch by batch so the reader on the other RISC can keep streaming.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t num_batches = get_arg_val<uint32_t>(0);
    constexpr uint32_t pages_per_batch = get_compile_time_arg_val(0);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;

    for (uint32_t b = 0; b < num_batches; ++b) {
        cb_wait_front(cb_id, pages_per_batch);
        cb_pop_front(cb_id, pages_per_batch);
    }
}
