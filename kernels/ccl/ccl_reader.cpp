// CCL worker reader (TT-NN's minimal_default_reader.cpp role): streams this worker's pages of the
// local input into c_0, one packet's worth (up to pages_per_packet pages) per CB push, slice by
// slice in the order the writer sends them.
// Args: in_addr, in_is_dram, page_bytes, pages_per_packet, num_slices, then per slice
// {in_col_offset, slice_cols, in_cols, first_page, end_page} (pages counted row-major in the
// slice: row = q / slice_cols, column = q % slice_cols; input page = row * in_cols + offset + col).
#include <cstdint>

#include "dataflow_api.h"
#include "page_walk.h"

void kernel_main() {
    uint32_t a = 0;
    const uint32_t in_addr = get_arg_val<uint32_t>(a++);
    const bool in_dram = get_arg_val<uint32_t>(a++) != 0;
    const uint32_t page = get_arg_val<uint32_t>(a++);
    const uint32_t k = get_arg_val<uint32_t>(a++);
    const uint32_t num_slices = get_arg_val<uint32_t>(a++);
    constexpr uint32_t cb = tt::CBIndex::c_0;
    const InterleavedAddrGen<true> dram = {.bank_base_address = in_addr, .page_size = page};
    const InterleavedAddrGen<false> l1 = {.bank_base_address = in_addr, .page_size = page};
    for (uint32_t s = 0; s < num_slices; ++s) {
        const uint32_t off = get_arg_val<uint32_t>(a++), cols = get_arg_val<uint32_t>(a++);
        const uint32_t in_cols = get_arg_val<uint32_t>(a++);
        const uint32_t q0 = get_arg_val<uint32_t>(a++), q1 = get_arg_val<uint32_t>(a++);
        PageWalk w(cols, q0);
        for (uint32_t q = q0; q < q1; q += k) {
            const uint32_t n = q1 - q < k ? q1 - q : k;
            // Whole packets of k pages move through the CB (a short last one is padded), so a
            // packet never wraps round the CB's end.
            cb_reserve_back(cb, k);
            uint32_t dst = get_write_ptr(cb);
            for (uint32_t j = 0; j < n; ++j, dst += page, w.next()) {
                const uint32_t p = w.row * in_cols + off + w.col;
                noc_async_read(in_dram ? dram.get_noc_addr(p) : l1.get_noc_addr(p), dst, page);
            }
            noc_async_read_barrier();
            cb_push_back(cb, k);
        }
    }
}
