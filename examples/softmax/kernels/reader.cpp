// Makes the reduce scaler tile (1.0) in CB c_2, then reads the input one tile row (Wt tiles) at
// a time into CB c_0.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

// A tile that is zero except for the first row of each face, which holds the scaler; two bf16
// copies of it are packed in `scaler` (as ttnn's generate_reduce_scaler does).
FORCE_INLINE void generate_reduce_scaler(const uint32_t cb_id, const uint32_t scaler) {
    cb_reserve_back(cb_id, 1);
    volatile tt_l1_ptr uint32_t* ptr =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(cb_id));
    const uint32_t num_words = get_tile_size(cb_id) / sizeof(uint32_t);
    for (uint32_t i = 0; i < num_words; ++i) ptr[i] = 0;
    if (scaler != 0) {
        for (uint32_t face = 0; face < 4; ++face)
            for (uint32_t j = 0; j < 8; ++j) ptr[(face << 7) + j] = scaler;
    }
    cb_push_back(cb_id, 1);
}

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t packed_scaler = get_arg_val<uint32_t>(1);
    constexpr uint32_t Ht = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);
    constexpr auto src_args = TensorAccessorArgs<2>();

    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_scaler = tt::CBIndex::c_2;
    const uint32_t tile_bytes = get_tile_size(cb_in);
    const auto src = TensorAccessor(src_args, src_addr, tile_bytes);

    generate_reduce_scaler(cb_scaler, packed_scaler);

    for (uint32_t ht = 0; ht < Ht; ++ht) {
        cb_reserve_back(cb_in, Wt);
        uint32_t l1_write_addr = get_write_ptr(cb_in);
        for (uint32_t wt = 0; wt < Wt; ++wt) {
            noc_async_read_tile(ht * Wt + wt, src, l1_write_addr);
            l1_write_addr += tile_bytes;
        }
        noc_async_read_barrier();
        cb_push_back(cb_in, Wt);
    }
}
