// Reduce-scatter compute (TT-NN's ring_reduction.cpp role): per reducing step, adds the partial
// that arrived (c_1) to this chip's own pages (c_0) into c_2. Steps that only start a partial go
// from the reader to the writer directly (rs_reader.cpp).
#include <cstdint>

#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/tile_move_copy.h"
#include "rs_args.h"

using namespace ccl_rs;

namespace NAMESPACE {
void MAIN {
    constexpr auto own = tt::CBIndex::c_0, in = tt::CBIndex::c_1, out = tt::CBIndex::c_2;
    // Whole packets of k pages, the last one padded (the reader's CB protocol).
    const uint32_t k = get_arg_val<uint32_t>(pages_per_packet);
    const uint32_t span = get_arg_val<uint32_t>(q1) - get_arg_val<uint32_t>(q0);
    const uint32_t pages = (span + k - 1) / k * k;
    const uint32_t num = get_arg_val<uint32_t>(num_steps);
    binary_op_init_common(own, in, out);
    for (uint32_t s = 0; s < num; ++s) {
        if (get_arg_val<uint32_t>(steps + step_words * s + s_recv) == 0) continue;
        add_tiles_init(own, in);
        for (uint32_t p = 0; p < pages; ++p) {
            cb_wait_front(own, 1);
            cb_wait_front(in, 1);
            tile_regs_acquire();
            add_tiles(own, in, 0, 0, 0);
            tile_regs_commit();
            cb_reserve_back(out, 1);
            tile_regs_wait();
            pack_tile(0, out);
            tile_regs_release();
            cb_pop_front(own, 1);
            cb_pop_front(in, 1);
            cb_push_back(out, 1);
        }
    }
}
}  // namespace NAMESPACE
