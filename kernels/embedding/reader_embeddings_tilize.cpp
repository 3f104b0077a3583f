// Reader of embedding (after TT-NN's embedding/device/kernels/dataflow/embeddings_tilize.cpp): per
// block of 32 tokens, their ids (one 128-byte read from the ids row) into c_1, then per chunk of
// the hidden width the 32 weight rows the ids name, each chunk_tiles x 32 values, laid out as a
// row-major block of 32 rows in c_0 for the compute kernel to tilize. WEIGHT_TILED: the table is
// tiled, so a row's 32 values per column tile are the matching rows of two faces (32 bytes each).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t ids_addr = get_arg_val<uint32_t>(0);
    const uint32_t weight_addr = get_arg_val<uint32_t>(1);
    const uint32_t first_block = get_arg_val<uint32_t>(2);
    const uint32_t num_blocks = get_arg_val<uint32_t>(3);
    constexpr bool ids_dram = get_compile_time_arg_val(0) == 1;
    constexpr bool weight_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t ids_page_bytes = get_compile_time_arg_val(2);
    constexpr uint32_t blocks_per_ids_row = get_compile_time_arg_val(3);
    constexpr uint32_t weight_page_bytes = get_compile_time_arg_val(4);  // a row, or a tile
    constexpr uint32_t chunk_tiles = get_compile_time_arg_val(5);
    constexpr uint32_t num_chunks = get_compile_time_arg_val(6);
    constexpr uint32_t width_tiles = get_compile_time_arg_val(7);
    constexpr uint32_t cb_rows = 0, cb_ids = 1;
    constexpr uint32_t datum = 2;  // bfloat16
    constexpr uint32_t tile_row_bytes = 32 * datum;
    const InterleavedAddrGen<ids_dram> ids = {.bank_base_address = ids_addr,
                                              .page_size = ids_page_bytes};
    const InterleavedAddrGen<weight_dram> w = {.bank_base_address = weight_addr,
                                               .page_size = weight_page_bytes};
    // c_1 is scratch for the block's 32 ids (never pushed: only this reader reads it).
    cb_reserve_back(cb_ids, 1);
    const uint32_t ids_l1 = get_write_ptr(cb_ids);
    for (uint32_t b = first_block; b < first_block + num_blocks; ++b) {
        noc_async_read(get_noc_addr(b / blocks_per_ids_row, ids, (b % blocks_per_ids_row) * 128),
                       ids_l1, 128);
        noc_async_read_barrier();
        volatile tt_l1_ptr uint32_t* id = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(ids_l1);
        for (uint32_t ch = 0; ch < num_chunks; ++ch) {
            const uint32_t t0 = ch * chunk_tiles;
            constexpr uint32_t nt = chunk_tiles;  // the planner picks a divisor of the width
            cb_reserve_back(cb_rows, chunk_tiles);
            uint32_t l1 = get_write_ptr(cb_rows);
            for (uint32_t k = 0; k < 32; ++k, l1 += chunk_tiles * tile_row_bytes) {
                const uint32_t row = id[k];
#ifdef WEIGHT_TILED
                // Row r of a tile: face row r % 16 of faces 2 (r / 16) and 2 (r / 16) + 1.
                const uint32_t r = row % 32, face0 = (r / 16) * 2;
                const uint32_t in_face = (r % 16) * 16 * datum;
                for (uint32_t t = 0; t < nt; ++t) {
                    const uint32_t page = (row / 32) * width_tiles + t0 + t;
                    const uint32_t dst = l1 + t * tile_row_bytes;
                    noc_async_read(get_noc_addr(page, w, face0 * 512 + in_face), dst, 32);
                    noc_async_read(get_noc_addr(page, w, (face0 + 1) * 512 + in_face), dst + 32,
                                   32);
                }
#else
                noc_async_read(get_noc_addr(row, w, t0 * tile_row_bytes), l1, nt * tile_row_bytes);
#endif
            }
            noc_async_read_barrier();
            cb_push_back(cb_rows, chunk_tiles);
        }
    }
}
