// Reduce-scatter worker writer (TT-NN's ring_reduce_scatter_minimal_async_writer.cpp role): per
// step, sends the summed pages (c_2; c_4 holds the reader's own pages when nothing was added)
// through the fabric into the next chip's intermediate buffer (slot of the slice, same address
// on every chip), raising that chip's page count every
// sync_every packets with an atomic increment the router lands after the data; or writes them
// to the output, or to the scratch the other direction's worker reads (line), then counts them
// on that worker's semaphore.
#include <cstdint>

#include "dataflow_api.h"
#include "fabric/edm_fabric_worker_adapters.hpp"
#include "page_walk.h"
#include "rs_args.h"

using namespace ccl_rs;
using tt::tt_fabric::PacketHeader;

void kernel_main() {
    auto arg = [](uint32_t i) { return get_arg_val<uint32_t>(i); };
    const uint32_t page = arg(Arg::page), k = arg(pages_per_packet);
    const uint32_t Cs = arg(slice_cols), W = arg(inter_cols);
    const uint32_t d = arg(dir), n_chips = arg(chips), first = arg(q0), end = arg(q1);
    const uint32_t num = arg(num_steps), sync = arg(sync_every);
    const bool dram_out = arg(out_dram) != 0;
    const InterleavedAddrGen<true> out_d = {.bank_base_address = arg(out_addr), .page_size = page};
    const InterleavedAddrGen<false> out_l = {.bank_base_address = arg(out_addr), .page_size = page};
    const InterleavedAddrGen<true> tmp = {.bank_base_address = arg(tmp_addr), .page_size = page};
    const InterleavedAddrGen<true> inter = {.bank_base_address = arg(inter_addr),
                                            .page_size = page};
    // Addresses a router writes for us are plain L1 offsets.
    const uint64_t next_recv = get_noc_addr(
        arg(self_x), arg(self_y), tensim::kapi::fabric_l1_offset(get_semaphore(arg(recv_sem))));
    const uint64_t other_tmp =
        get_noc_addr(arg(other_x), arg(other_y), get_semaphore(arg(tmp_sem)));
    std::size_t fa = steps + step_words * num;
    const bool has_fabric = get_arg_val<uint32_t>(fa++) != 0;
    tt::tt_fabric::WorkerToFabricEdmSender fabric;
    if (has_fabric) {
        fabric = tt::tt_fabric::WorkerToFabricEdmSender::build_from_args(fa);
        fabric.open();
    }
    cb_reserve_back(tt::CBIndex::c_3, 1);
    const uint32_t header_addr = get_write_ptr(tt::CBIndex::c_3);
    auto* header = reinterpret_cast<volatile PacketHeader*>(header_addr);
    auto signal = [&](uint32_t pages) {
        fabric.wait_for_empty_write_slot();
        header->to_chip_unicast(1);
        header->to_noc_unicast_atomic_inc({next_recv, static_cast<uint16_t>(pages)});
        fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
    };
    for (uint32_t s = 0; s < num; ++s) {
        const uint32_t b = steps + step_words * s;
        const uint32_t j = arg(b + s_slice), dst = arg(b + s_dst);
        // A reducing step's pages come from the compute kernel, a starting one's from the reader.
        const uint32_t src_cb = arg(b + s_recv) != 0 ? tt::CBIndex::c_2 : tt::CBIndex::c_4;
        uint32_t unsignalled = 0, packets = 0;
        PageWalk w(Cs, first);
        for (uint32_t q = first; q < end; q += k) {
            const uint32_t n = end - q < k ? end - q : k;
            cb_wait_front(src_cb, k);  // whole packets, the last one padded
            const uint32_t src = get_read_ptr(src_cb);
            tt::tt_fabric::NocUnicastScatterCommandHeader scatter{};
            for (uint32_t i = 0; i < n; ++i, w.next()) {
                const uint32_t row = w.row, col = w.col;
                if (dst == to_next) {
                    scatter.noc_address[i] =
                        inter.get_noc_addr(row * W + (d * n_chips + j) * Cs + col);
                    if (i + 1 < tt::tt_fabric::NOC_SCATTER_WRITE_MAX_CHUNKS)
                        scatter.chunk_size[i] = static_cast<uint16_t>(page);
                } else {
                    const uint32_t p = row * Cs + col;
                    const uint64_t a = dst == to_tmp ? tmp.get_noc_addr(p)
                                       : dram_out    ? out_d.get_noc_addr(p)
                                                     : out_l.get_noc_addr(p);
                    noc_async_write(src + i * page, a, page);
                }
            }
            if (dst == to_next) {
                fabric.wait_for_empty_write_slot();
                fabric.send_payload_without_header_non_blocking_from_address(src, n * page);
                header->to_chip_unicast(1);
                if (n == 1)
                    header->to_noc_unicast_write({scatter.noc_address[0]}, page);
                else
                    header->to_noc_unicast_scatter_write(scatter, n * page, n);
                fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
                unsignalled += n;
                if (++packets % sync == 0) {
                    signal(unsignalled);
                    unsignalled = 0;
                }
            } else if (dst == to_tmp) {
                noc_async_write_barrier();  // the pages have landed before the count says so
                noc_semaphore_inc(other_tmp, n);
            } else {
                noc_async_writes_flushed();
            }
            cb_pop_front(src_cb, k);
        }
        if (unsignalled) signal(unsignalled);
    }
    if (has_fabric) fabric.close();
    noc_async_write_barrier();
}
