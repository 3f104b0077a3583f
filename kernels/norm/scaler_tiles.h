// The norm programs' constant tiles, made by a data-movement kernel in its CB: a reduce scaler
// (`bits`, two bf16 copies, across the first row of each face) and an epsilon tile (a bf16 down
// column 0). The zeros come from the firmware's zero region over the NoC, four 512 B reads a
// 2048 B tile, as TT-NN's generate_reduce_scaler does, rather than 512 word stores by the RISC.
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

FORCE_INLINE volatile tt_l1_ptr uint32_t* zero_tile(uint32_t cb) {
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    const uint64_t zeros = get_noc_addr(MEM_ZEROS_BASE);
    for (uint32_t off = 0; off < 2048; off += MEM_ZEROS_SIZE)
        noc_async_read(zeros, l1 + off, MEM_ZEROS_SIZE);
    noc_async_read_barrier();
    return reinterpret_cast<volatile tt_l1_ptr uint32_t*>(l1);
}

FORCE_INLINE void fill_scaler(uint32_t cb, uint32_t bits) {
    volatile tt_l1_ptr uint32_t* p = zero_tile(cb);
    for (uint32_t face = 0; face < 4; ++face)
        for (uint32_t j = 0; j < 8; ++j) p[face * 128 + j] = bits;
    cb_push_back(cb, 1);
}

FORCE_INLINE void fill_col0(uint32_t cb, uint32_t bits) {
    volatile tt_l1_ptr uint32_t* p = zero_tile(cb);
    for (uint32_t face = 0; face < 4; face += 2)
        for (uint32_t r = 0; r < 16; ++r) p[face * 128 + r * 8] = bits & 0xffff;
    cb_push_back(cb, 1);
}
