// Publishes inputs that already sit in L1: the first `in0_tiles` pages of CB c_0 and `in1_tiles`
// of CB c_1 become visible to the compute kernel at once, so only the compute engine sets the
// pace (TT-Metal's sharded-input microbenchmarks: the CBs live on the input buffers).
#include <cstdint>

#include "dataflow_api.h"

void kernel_main() {
    const uint32_t in0_tiles = get_arg_val<uint32_t>(0);
    const uint32_t in1_tiles = get_arg_val<uint32_t>(1);
    if (in0_tiles) {
        cb_reserve_back(tt::CBIndex::c_0, in0_tiles);
        cb_push_back(tt::CBIndex::c_0, in0_tiles);
    }
    if (in1_tiles) {
        cb_reserve_back(tt::CBIndex::c_1, in1_tiles);
        cb_push_back(tt::CBIndex::c_1, in1_tiles);
    }
}
