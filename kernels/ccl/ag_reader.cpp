// All-gather worker reader (TT-NN's all_gather_async minimal_default_reader.cpp role): first this
// chip's own slice from the input, then, as the previous chip's pages land in this chip's output
// (the worker's semaphore counts them), the slices this worker forwards, read back from the
// output; one packet's worth (up to pages_per_packet pages) per CB push. Finally it waits until
// every page due here has landed, so the op ends with the output complete.
#include <cstdint>

#include "ag_args.h"
#include "dataflow_api.h"
#include "page_walk.h"

using namespace ccl_ag;

void kernel_main() {
    auto arg = [](uint32_t i) { return get_arg_val<uint32_t>(i); };
    const uint32_t pg = arg(page), k = arg(pages_per_packet);
    const uint32_t Ct = arg(in_cols), Co = arg(out_cols);
    const InterleavedAddrGen<true> in_d = {.bank_base_address = arg(in_addr), .page_size = pg};
    const InterleavedAddrGen<false> in_l = {.bank_base_address = arg(in_addr), .page_size = pg};
    const InterleavedAddrGen<true> out_d = {.bank_base_address = arg(out_addr), .page_size = pg};
    const InterleavedAddrGen<false> out_l = {.bank_base_address = arg(out_addr), .page_size = pg};
    const bool dram_in = arg(in_dram) != 0, dram_out = arg(out_dram) != 0;
    auto* landed = reinterpret_cast<volatile uint32_t*>(get_semaphore(arg(sem)));
    constexpr uint32_t cb = tt::CBIndex::c_0;
    for (uint32_t s = 0; s < arg(num_steps); ++s) {
        const uint32_t b = steps + step_words * s;
        const bool from_out = arg(b + s_src) != 0;
        const uint32_t owner = arg(b + s_owner), q0 = arg(b + s_q0), q1 = arg(b + s_q1);
        const uint32_t arrive = arg(b + s_arrive);
        PageWalk w(Ct, q0);
        for (uint32_t q = q0; q < q1; q += k) {
            const uint32_t n = q1 - q < k ? q1 - q : k;
            if (from_out) noc_semaphore_wait_min(landed, arrive + q + n);
            // Whole packets of k pages move through the CB (a short last one is padded), so a
            // packet never wraps round the CB's end.
            cb_reserve_back(cb, k);
            uint32_t dst = get_write_ptr(cb);
            for (uint32_t j = 0; j < n; ++j, dst += pg, w.next()) {
                const uint32_t row = w.row, col = w.col;
                uint64_t src;
                if (from_out) {
                    const uint32_t p = row * Co + owner * Ct + col;
                    src = dram_out ? out_d.get_noc_addr(p) : out_l.get_noc_addr(p);
                } else {
                    const uint32_t p = row * Ct + col;
                    src = dram_in ? in_d.get_noc_addr(p) : in_l.get_noc_addr(p);
                }
                noc_async_read(src, dst, pg);
            }
            noc_async_read_barrier();
            cb_push_back(cb, k);
        }
    }
    noc_semaphore_wait_min(landed, arg(expect));
}
