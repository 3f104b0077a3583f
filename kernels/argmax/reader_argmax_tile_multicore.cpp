// The one kernel of argmax (after TT-NN's reduction/argmax reader_argmax_interleaved_multicore.cpp,
// reading TILE input as its reader_argmax_tile_layout.cpp does). The logits may come as pieces
// side by side along the last dimension (the split LM head's outputs); tile column t counts across
// them. This core reads its tile columns [col0, col0 + ncols) of every tile row and keeps, per
// row, the largest
// value and its column (the first of equals: a later value must be strictly greater). It writes
// (value bits, index) per row into its slot of the reducer's c_3 and increments the reducer's
// semaphore. The reducer waits for all slots, combines them in core order (a larger value wins;
// an equal value with a smaller index wins, TT-NN's process_core_data) and writes the ids.
// The scalar loops run on the data-movement RISC-V: their cost is the kernel's own code when
// risc.code_cost is on (docs/calibration.md "Kernel code"); else the op's time is its reads, the
// partials' NoC writes and the semaphore handshake.
#include <cstdint>
#include <cstring>

#include "api/dataflow/dataflow_api.h"

namespace {

float bf16_value(uint16_t b) {
    const uint32_t w = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &w, 4);
    return f;
}

}  // namespace

void kernel_main() {
    uint32_t a = 0;
    const uint32_t dst_addr = get_arg_val<uint32_t>(a++);
    const uint32_t col0 = get_arg_val<uint32_t>(a++);
    const uint32_t ncols = get_arg_val<uint32_t>(a++);
    const uint32_t slot = get_arg_val<uint32_t>(a++);
    const uint32_t reducer_x = get_arg_val<uint32_t>(a++);
    const uint32_t reducer_y = get_arg_val<uint32_t>(a++);
    const uint32_t sem_addr = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t is_reducer = get_arg_val<uint32_t>(a++);
    // Then per piece: address, width in tiles, logical columns, first column (global index).
    const uint32_t pieces = a;
    constexpr bool src_dram = get_compile_time_arg_val(0) == 1;
    constexpr bool dst_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t row_tiles = get_compile_time_arg_val(2);  // tile rows (batch x rows / 32)
    constexpr uint32_t num_pieces = get_compile_time_arg_val(3);
    constexpr uint32_t logical_rows = get_compile_time_arg_val(5);  // rows of one batch entry
    constexpr uint32_t rows_tiles_per_batch = get_compile_time_arg_val(6);
    constexpr uint32_t num_cores = get_compile_time_arg_val(7);
    constexpr uint32_t out_rows = get_compile_time_arg_val(8);  // ids written (batch x rows)
    constexpr uint32_t cb_in = 0, cb_part = 3, cb_out = 4;
    constexpr uint32_t slot_bytes = row_tiles * 32 * 8;  // per row: value bits, index
    const uint32_t tile_bytes = get_tile_size(cb_in);

    cb_reserve_back(cb_part, num_cores);
    const uint32_t part = get_write_ptr(cb_part);  // the same offset on every core
    cb_reserve_back(cb_in, 2);
    const uint32_t l1_in = get_write_ptr(cb_in);
    // This core's partials, staged in its own slot before they go to the reducer.
    volatile tt_l1_ptr uint32_t* mine =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(part + slot * slot_bytes);
    for (uint32_t tr = 0; tr < row_tiles; ++tr) {
        const uint32_t valid_rows =
            (tr % rows_tiles_per_batch) == rows_tiles_per_batch - 1 && logical_rows % 32 != 0
                ? logical_rows % 32
                : 32;
        float best[32];
        uint32_t idx[32];
        for (uint32_t r = 0; r < 32; ++r) best[r] = -__builtin_inff(), idx[r] = 0;
        uint32_t piece = 0, piece_t0 = 0;  // the piece holding column t, its first tile column
        for (uint32_t t = col0; t < col0 + ncols; ++t) {
            while (piece + 1 < num_pieces &&
                   t >= piece_t0 + get_arg_val<uint32_t>(pieces + 4 * piece + 1))
                piece_t0 += get_arg_val<uint32_t>(pieces + 4 * piece + 1), ++piece;
            const uint32_t width_tiles = get_arg_val<uint32_t>(pieces + 4 * piece + 1);
            const uint32_t logical_cols = get_arg_val<uint32_t>(pieces + 4 * piece + 2);
            const uint32_t first_col = get_arg_val<uint32_t>(pieces + 4 * piece + 3);
            const InterleavedAddrGenFast<src_dram> src = {
                .bank_base_address = get_arg_val<uint32_t>(pieces + 4 * piece),
                .page_size = tile_bytes,
                .data_format = get_dataformat(cb_in)};
            const uint32_t lt = t - piece_t0;  // tile column inside the piece
            noc_async_read_tile(tr * width_tiles + lt, src, l1_in);
            noc_async_read_barrier();
            const volatile tt_l1_ptr uint16_t* v =
                reinterpret_cast<const volatile tt_l1_ptr uint16_t*>(l1_in);
            // Row r of a tile is 16 contiguous datums in each of two faces (0/1 for r < 16, 2/3
            // after): walked as two runs, no index arithmetic per datum (TT-NN's argmax reads
            // row-major data in a plain loop).
            const uint32_t cols = logical_cols > lt * 32 ? logical_cols - lt * 32 : 0;
            const uint32_t ncols = cols < 32 ? cols : 32;
            for (uint32_t r = 0; r < valid_rows; ++r)
                for (uint32_t half = 0; half * 16 < ncols; ++half) {
                    const volatile tt_l1_ptr uint16_t* row =
                        v + ((r >> 4) * 2 + half) * 256 + (r & 15) * 16;
                    const uint32_t n = ncols - half * 16 < 16 ? ncols - half * 16 : 16;
                    const uint32_t col = first_col + lt * 32 + half * 16;
                    for (uint32_t c = 0; c < n; ++c) {
                        const float x = bf16_value(row[c]);
                        // TT-NN's process_value_comparison: larger replaces, equal keeps the
                        // smaller index (the running one, as columns rise).
                        if (x > best[r]) best[r] = x, idx[r] = col + c;
                    }
                }
        }
        for (uint32_t r = 0; r < 32; ++r) {
            uint32_t bits;
            std::memcpy(&bits, &best[r], 4);
            mine[(tr * 32 + r) * 2] = bits;
            mine[(tr * 32 + r) * 2 + 1] = idx[r];
        }
    }
    if (!is_reducer) {
        noc_async_write(part + slot * slot_bytes,
                        get_noc_addr(reducer_x, reducer_y, part + slot * slot_bytes), slot_bytes);
        noc_async_write_barrier();
        noc_semaphore_inc(get_noc_addr(reducer_x, reducer_y, sem_addr), 1);
        noc_async_atomic_barrier();
        return;
    }
    volatile tt_l1_ptr uint32_t* sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_addr);
    noc_semaphore_wait(sem, num_cores - 1);
    cb_reserve_back(cb_out, 1);
    volatile tt_l1_ptr uint32_t* out =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(cb_out));
    // Row i of the output is tile row i / 32, row i % 32 of the logits, skipping the padding rows
    // of each batch entry.
    uint32_t o = 0;
    for (uint32_t tr = 0; tr < row_tiles && o < out_rows; ++tr)
        for (uint32_t r = 0; r < 32 && o < out_rows; ++r) {
            if ((tr % rows_tiles_per_batch) * 32 + r >= logical_rows) continue;
            float best = -__builtin_inff();  // TT-NN's default: -inf at index 0
            uint32_t best_idx = 0;
            for (uint32_t s = 0; s < num_cores; ++s) {
                const volatile tt_l1_ptr uint32_t* p =
                    reinterpret_cast<const volatile tt_l1_ptr uint32_t*>(part + s * slot_bytes);
                const uint32_t bits = p[(tr * 32 + r) * 2];
                float x;
                std::memcpy(&x, &bits, 4);
                const uint32_t i = p[(tr * 32 + r) * 2 + 1];
                if (x > best || (x == best && i < best_idx)) best = x, best_idx = i;
            }
            out[o++] = best_idx;
        }
    const InterleavedAddrGen<dst_dram> dst = {.bank_base_address = dst_addr,
                                              .page_size = out_rows * 4};
    noc_async_write(get_write_ptr(cb_out), get_noc_addr(0, dst), out_rows * 4);
    noc_async_write_barrier();
}
