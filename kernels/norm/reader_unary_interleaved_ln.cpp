// Reader of the interleaved norm program, after TT-NN's reader_unary_interleaved_ln.cpp (and its
// large-tensor variant, which re-reads a row per pass). Makes the reduce scaler tile (c_1) and the
// epsilon tile (c_2, epsilon in column 0, as generate_bcast_col_scalar does), then per tile row:
// POST_ALLGATHER's statistics tiles (c_5), the row's tiles (c_0; once when ROW_IN_L1, else once
// per pass in blocks of blk tiles) and, in the last pass, gamma and beta for each block (c_3, c_4).
// Gamma and beta are [1, W] tensors in tiles; only row 0 of each tile is used (row broadcast), so
// only its two 16-datum halves are read -- the bytes TT-NN's row-major gamma sticks carry.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "scaler_tiles.h"

template <typename AddrGen>
FORCE_INLINE void read_row0(uint32_t cb, const AddrGen& s, uint32_t tile0, uint32_t n,
                            uint32_t datum_bytes) {
    cb_reserve_back(cb, n);
    uint32_t l1 = get_write_ptr(cb);
    const uint32_t half = 16 * datum_bytes, face = 256 * datum_bytes;
    for (uint32_t i = 0; i < n; ++i) {
        noc_async_read(get_noc_addr(tile0 + i, s, 0), l1, half);
        noc_async_read(get_noc_addr(tile0 + i, s, face), l1 + face, half);
        l1 += get_tile_size(cb);
    }
    noc_async_read_barrier();
    cb_push_back(cb, n);
}

template <typename AddrGen>
FORCE_INLINE void read_tiles(uint32_t cb, const AddrGen& s, uint32_t tile0, uint32_t n) {
    cb_reserve_back(cb, n);
    uint32_t l1 = get_write_ptr(cb);
    for (uint32_t i = 0; i < n; ++i) {
        noc_async_read_tile(tile0 + i, s, l1);
        l1 += get_tile_size(cb);
    }
    noc_async_read_barrier();
    cb_push_back(cb, n);
}

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t row0 = get_arg_val<uint32_t>(1);  // first tile row
    const uint32_t num_rows = get_arg_val<uint32_t>(2);
    const uint32_t scaler_bits = get_arg_val<uint32_t>(3);
    const uint32_t eps_bits = get_arg_val<uint32_t>(4);
    const uint32_t gamma_addr = get_arg_val<uint32_t>(5);
    const uint32_t beta_addr = get_arg_val<uint32_t>(6);
    const uint32_t stats_addr = get_arg_val<uint32_t>(7);

    constexpr bool src_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t Wt = get_compile_time_arg_val(1);
    constexpr uint32_t blk = get_compile_time_arg_val(2);
    constexpr bool row_in_l1 = get_compile_time_arg_val(3) == 1;
    constexpr uint32_t passes = get_compile_time_arg_val(4);  // reads of the row when streaming
    constexpr bool do_gamma = get_compile_time_arg_val(5) == 1;
    constexpr bool do_beta = get_compile_time_arg_val(6) == 1;
    constexpr uint32_t num_stats = get_compile_time_arg_val(7);
    constexpr bool stats_dram = get_compile_time_arg_val(8) == 1;
    constexpr uint32_t gb_datum_bytes = get_compile_time_arg_val(9);

    constexpr uint32_t cb_in = 0, cb_scaler = 1, cb_eps = 2, cb_gamma = 3, cb_beta = 4,
                       cb_stats = 5;
    const InterleavedAddrGenFast<src_dram> src = {.bank_base_address = src_addr,
                                                  .page_size = uint32_t(get_tile_size(cb_in)),
                                                  .data_format = get_dataformat(cb_in)};
    const InterleavedAddrGenFast<true> gamma = {.bank_base_address = gamma_addr,
                                                .page_size = uint32_t(get_tile_size(cb_gamma)),
                                                .data_format = get_dataformat(cb_gamma)};
    const InterleavedAddrGenFast<true> beta = {.bank_base_address = beta_addr,
                                               .page_size = uint32_t(get_tile_size(cb_beta)),
                                               .data_format = get_dataformat(cb_beta)};
    const InterleavedAddrGenFast<stats_dram> stats = {
        .bank_base_address = stats_addr,
        .page_size = uint32_t(get_tile_size(cb_stats)),
        .data_format = get_dataformat(cb_stats)};

    fill_scaler(cb_scaler, scaler_bits);
    fill_col0(cb_eps, eps_bits);
    constexpr uint32_t nblk = Wt / blk;
    for (uint32_t r = row0; r < row0 + num_rows; ++r) {
        if constexpr (num_stats > 0) read_tiles(cb_stats, stats, r * num_stats, num_stats);
        if constexpr (row_in_l1) read_tiles(cb_in, src, r * Wt, Wt);
        for (uint32_t pass = 0; pass < passes; ++pass) {
            const bool last = pass + 1 == passes;
            for (uint32_t b = 0; b < nblk; ++b) {
                if constexpr (!row_in_l1) read_tiles(cb_in, src, r * Wt + b * blk, blk);
                if (last) {
                    if constexpr (do_gamma)
                        read_row0(cb_gamma, gamma, b * blk, blk, gb_datum_bytes);
                    if constexpr (do_beta) read_row0(cb_beta, beta, b * blk, blk, gb_datum_bytes);
                }
            }
        }
    }
}
