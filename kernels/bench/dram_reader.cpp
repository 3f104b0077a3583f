// Streams one DRAM bank into CB c_0, as TT-Metal's DRAM read benchmarks do: per CB-sized batch,
// reserve, issue every read of the batch, one barrier, push. Reads stay in flight across a batch
// so the DRAM channel, not the round trip, sets the pace.
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t bank_id = get_arg_val<uint32_t>(0);
    uint32_t bank_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_batches = get_arg_val<uint32_t>(2);
    constexpr uint32_t transaction_bytes = get_compile_time_arg_val(0);
    constexpr uint32_t transactions_per_batch = get_compile_time_arg_val(1);
    constexpr uint32_t cb_id = tt::CBIndex::c_0;

    for (uint32_t b = 0; b < num_batches; ++b) {
        cb_reserve_back(cb_id, transactions_per_batch);
        uint32_t l1_addr = get_write_ptr(cb_id);
        for (uint32_t i = 0; i < transactions_per_batch; ++i) {
            noc_async_read(get_noc_addr_from_bank_id<true>(bank_id, bank_addr), l1_addr,
                           transaction_bytes);
            bank_addr += transaction_bytes;
            l1_addr += transaction_bytes;
        }
        noc_async_read_barrier();
        cb_push_back(cb_id, transactions_per_batch);
    }
}
