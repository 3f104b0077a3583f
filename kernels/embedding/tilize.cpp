// Compute kernel of embedding (TT-NN's tilize.cpp / tilize_chunked.cpp): each chunk of 32
// row-major rows in c_0 becomes chunk_tiles tiles in c_2, in the output's format.
#include "compute_kernel_api/tilize.h"

#include <cstdint>

namespace NAMESPACE {

void MAIN {
    const uint32_t num_chunks = get_arg_val<uint32_t>(0);  // blocks x chunks per block
    constexpr uint32_t chunk_tiles = get_compile_time_arg_val(0);
    constexpr uint32_t cb_in = 0, cb_out = 2;
    tilize_init(cb_in, chunk_tiles, cb_out);
    for (uint32_t c = 0; c < num_chunks; ++c) {
        cb_wait_front(cb_in, chunk_tiles);
        cb_reserve_back(cb_out, chunk_tiles);
        tilize_block(cb_in, chunk_tiles, cb_out);
        cb_push_back(cb_out, chunk_tiles);
        cb_pop_front(cb_in, chunk_tiles);
    }
}

}  // namespace NAMESPACE
