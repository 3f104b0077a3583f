// Reduce-scatter worker reader (TT-NN's ring_reduce_scatter_minimal_async_reader.cpp role): per
// step, its own pages of the slice into c_0 and, when the step reduces, the partial that arrived
// from the previous chip (waiting on the page count the sender's signals raised) into c_1. A step
// that only starts a partial (nothing to add yet) reads straight into c_4, which the writer drains,
// past the compute kernel, as TT-NN's reader does for its first slice (cb_reader_output_id).
#include <cstdint>

#include "dataflow_api.h"
#include "page_walk.h"
#include "rs_args.h"

using namespace ccl_rs;

void kernel_main() {
    auto arg = [](uint32_t i) { return get_arg_val<uint32_t>(i); };
    const uint32_t page = arg(Arg::page), k = arg(pages_per_packet);
    const uint32_t Ct = arg(in_cols), Cs = arg(slice_cols), W = arg(inter_cols);
    const uint32_t d = arg(dir), n_chips = arg(chips), first = arg(q0), end = arg(q1);
    const bool dram_in = arg(in_dram) != 0;
    const InterleavedAddrGen<true> in_d = {.bank_base_address = arg(in_addr), .page_size = page};
    const InterleavedAddrGen<false> in_l = {.bank_base_address = arg(in_addr), .page_size = page};
    const InterleavedAddrGen<true> tmp = {.bank_base_address = arg(tmp_addr), .page_size = page};
    const InterleavedAddrGen<true> inter = {.bank_base_address = arg(inter_addr),
                                            .page_size = page};
    auto* recv = reinterpret_cast<volatile uint32_t*>(get_semaphore(arg(recv_sem)));
    auto* tmp_ready = reinterpret_cast<volatile uint32_t*>(get_semaphore(arg(tmp_sem)));
    const uint32_t per_slice = end - first;
    const uint32_t batch = k < 4 ? 4 : 2;  // packets per read: TT-NN's tile_granularity (4k or 8)
    // The CBs hold three batches (ccl_reduce.cpp); a batch's packets may wrap round a CB's end,
    // so their addresses are taken from the FIFO's start (the write pointer before any push).
    const uint32_t fifo_bytes = 3 * batch * k * page;
    const uint32_t fifo_c0 = get_write_ptr(tt::CBIndex::c_0),
                   fifo_c1 = get_write_ptr(tt::CBIndex::c_1),
                   fifo_c4 = get_write_ptr(tt::CBIndex::c_4);
    // wr - fifo and off are each under fifo_bytes: one compare instead of a divide.
    auto at = [&](uint32_t fifo, uint32_t wr, uint32_t off) {
        const uint32_t x = wr - fifo + off;
        return fifo + (x >= fifo_bytes ? x - fifo_bytes : x);
    };
    uint32_t tmp_read = 0;
    for (uint32_t s = 0; s < arg(num_steps); ++s) {
        const uint32_t b = steps + step_words * s;
        const uint32_t j = arg(b + s_slice);
        const bool from_tmp = arg(b + s_own_src) != 0, reduce = arg(b + s_recv) != 0;
        const uint32_t arrived_before = arg(b + s_arrival) * per_slice;
        // Batches of up to `batch` packets behind one read barrier (TT-NN's tile_granularity).
        PageWalk w(Cs, first);
        for (uint32_t q = first; q < end; q += batch * k) {
            const uint32_t qe = end - q < batch * k ? end : q + batch * k;
            const uint32_t m = (qe - q + k - 1) / k;  // packets in this batch
            const uint32_t own = reduce ? tt::CBIndex::c_0 : tt::CBIndex::c_4;
            // A reducing batch waits for the partial's pages first, then has both reads in
            // flight at once behind one barrier (TT-NN's reader does the same).
            if (reduce) noc_semaphore_wait_min(recv, arrived_before + (qe - first));
            if (from_tmp) noc_semaphore_wait_min(tmp_ready, tmp_read += qe - q);
            // Whole packets of k pages move through the CBs (a short last one is padded), so a
            // packet never wraps round a CB's end.
            cb_reserve_back(own, m * k);
            if (reduce) cb_reserve_back(tt::CBIndex::c_1, m * k);
            const uint32_t own_fifo = reduce ? fifo_c0 : fifo_c4;
            const uint32_t own_wr = get_write_ptr(own);
            const uint32_t inter_wr = reduce ? get_write_ptr(tt::CBIndex::c_1) : 0;
            for (uint32_t x = q; x < qe; ++x, w.next()) {
                const uint32_t slot = x - q;  // only the batch's last packet can be short
                const uint32_t row = w.row, col = w.col;
                const uint64_t src = from_tmp  ? tmp.get_noc_addr(row * Cs + col)
                                     : dram_in ? in_d.get_noc_addr(row * Ct + j * Cs + col)
                                               : in_l.get_noc_addr(row * Ct + j * Cs + col);
                noc_async_read(src, at(own_fifo, own_wr, slot * page), page);
                if (reduce)
                    noc_async_read(inter.get_noc_addr(row * W + (d * n_chips + j) * Cs + col),
                                   at(fifo_c1, inter_wr, slot * page), page);
            }
            noc_async_read_barrier();
            for (uint32_t i = 0; i < m; ++i) {  // packet by packet: k divides the CB's pages
                cb_push_back(own, k);
                if (reduce) cb_push_back(tt::CBIndex::c_1, k);
            }
        }
    }
}
