// Compute kernel of update_cache (after TT-NN's experimental/paged_cache/device/kernels/compute/
// update_cache.cpp): per user, its new-row tile row untilized once into c_25 (row-major bf16);
// per (user, KV head), the cache tile row untilized into c_24, and, after the writer has copied
// the head's new row over row cur_pos % 32 and published the block as c_26 (the same L1 as c_24),
// re-tilized into c_16 in the cache's format (bfloat8_b: new shared exponents for the row's faces).
#include <cstdint>

#include "compute_kernel_api/tilize.h"
#include "compute_kernel_api/untilize.h"

namespace NAMESPACE {

void MAIN {
    const uint32_t num_users = get_arg_val<uint32_t>(0);
    const uint32_t n_kv = get_arg_val<uint32_t>(1);
    const uint32_t Wt = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb_cache = 0, cb_in = 1, cb_out = 16, cb_untilized_cache = 24,
                       cb_untilized_in = 25, cb_untilized_cache2 = 26;
    for (uint32_t u = 0; u < num_users; ++u) {
        untilize_init(cb_in, cb_untilized_in);
        cb_wait_front(cb_in, Wt);
        cb_reserve_back(cb_untilized_in, Wt);
        untilize_block(cb_in, Wt, cb_untilized_in);
        cb_push_back(cb_untilized_in, Wt);
        cb_pop_front(cb_in, Wt);
        for (uint32_t h = 0; h < n_kv; ++h) {
            untilize_init(cb_cache, cb_untilized_cache);
            cb_wait_front(cb_cache, Wt);
            cb_reserve_back(cb_untilized_cache, Wt);
            untilize_block(cb_cache, Wt, cb_untilized_cache);
            cb_push_back(cb_untilized_cache, Wt);
            cb_pop_front(cb_cache, Wt);
            tilize_init(cb_untilized_cache2, Wt, cb_out);
            cb_wait_front(cb_untilized_cache2, Wt);
            cb_reserve_back(cb_out, Wt);
            tilize_block(cb_untilized_cache2, Wt, cb_out);
            cb_push_back(cb_out, Wt);
            cb_pop_front(cb_untilized_cache2, Wt);
        }
    }
}

}  // namespace NAMESPACE
