// A slice's pages in order as (row, col) of a slice `cols` pages wide, one increment per page.
// Why: a runtime divide is 6-33 cycles on the RISC (tt-isa-documentation BabyRISCV/README.md),
// and TT-NN's CCL kernels (all_gather_async minimal_default_{reader,writer}.cpp) walk their pages
// the same way (pages_read_in_row, row_offset), dividing nowhere in the page loop.
#pragma once
#include <cstdint>

struct PageWalk {
    uint32_t cols, row, col;
    PageWalk(uint32_t slice_cols, uint32_t first_page)
        : cols(slice_cols), row(first_page / slice_cols), col(first_page % slice_cols) {}
    void next() {
        if (++col == cols) col = 0, ++row;
    }
};
