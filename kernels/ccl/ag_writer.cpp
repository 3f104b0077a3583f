// All-gather worker writer (TT-NN's all_gather_async minimal_default_writer.cpp role): takes the
// reader's packets from c_0 and, per step, sends them through the fabric as scatter writes into
// the output of the next chip or, multicast, of the next `send` chips (up to four pages per
// packet; a page's output address is the same on every chip) and/or writes them into this chip's
// output. Every sync_every packets of a step, and at its end, it raises the same worker's
// semaphore on those chips by the pages sent, with an atomic increment the routers land after
// the data. The local copy waits for its writes
// before the next packet (TT-NN's writer does a write barrier there).
#include <cstdint>

#include "ag_args.h"
#include "dataflow_api.h"
#include "fabric/edm_fabric_worker_adapters.hpp"
#include "page_walk.h"

using namespace ccl_ag;
using tt::tt_fabric::PacketHeader;

void kernel_main() {
    auto arg = [](uint32_t i) { return get_arg_val<uint32_t>(i); };
    const uint32_t pg = arg(page), k = arg(pages_per_packet);
    const uint32_t Ct = arg(in_cols), Co = arg(out_cols), sync = arg(sync_every);
    const uint32_t num = arg(num_steps);
    const bool dram_out = arg(out_dram) != 0;
    const InterleavedAddrGen<true> out_d = {.bank_base_address = arg(out_addr), .page_size = pg};
    const InterleavedAddrGen<false> out_l = {.bank_base_address = arg(out_addr), .page_size = pg};
    auto out_noc = [&](uint32_t p) {
        return dram_out ? out_d.get_noc_addr(p) : out_l.get_noc_addr(p);
    };
    // Addresses a router writes for us are plain L1 offsets.
    const uint64_t next_sem = get_noc_addr(arg(next_x), arg(next_y),
                                           tensim::kapi::fabric_l1_offset(get_semaphore(arg(sem))));
    std::size_t fa = steps + step_words * num;
    const bool has_fabric = get_arg_val<uint32_t>(fa++) != 0;
    tt::tt_fabric::WorkerToFabricEdmSender fabric;
    if (has_fabric) {
        fabric = tt::tt_fabric::WorkerToFabricEdmSender::build_from_args(fa);
        fabric.open();
    }
    constexpr uint32_t cb = tt::CBIndex::c_0;
    cb_reserve_back(tt::CBIndex::c_1, 1);
    const uint32_t header_addr = get_write_ptr(tt::CBIndex::c_1);
    auto* header = reinterpret_cast<volatile PacketHeader*>(header_addr);
    // Route to the next `chips` chips: a unicast one hop on, or a multicast the routers forward.
    auto route = [&](uint32_t chips) {
        if (chips == 1)
            header->to_chip_unicast(1);
        else
            header->to_chip_multicast(
                tt::tt_fabric::MulticastRoutingCommandHeader{1, static_cast<uint8_t>(chips)});
    };
    auto signal = [&](uint32_t chips, uint32_t pages) {
        fabric.wait_for_empty_write_slot();
        route(chips);
        header->to_noc_unicast_atomic_inc({next_sem, static_cast<uint16_t>(pages)});
        fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
    };
    for (uint32_t s = 0; s < num; ++s) {
        const uint32_t b = steps + step_words * s;
        const uint32_t owner = arg(b + s_owner), q0 = arg(b + s_q0), q1 = arg(b + s_q1);
        const uint32_t send = arg(b + s_send);  // chips the pages go to
        const bool local = arg(b + s_local) != 0;
        uint32_t unsignalled = 0, packets = 0;
        PageWalk w(Ct, q0);
        for (uint32_t q = q0; q < q1; q += k) {
            const uint32_t n = q1 - q < k ? q1 - q : k;
            cb_wait_front(cb, k);  // whole packets, the last one padded (reader)
            const uint32_t src = get_read_ptr(cb);
            tt::tt_fabric::NocUnicastScatterCommandHeader scatter{};
            for (uint32_t j = 0; j < n; ++j, w.next()) {
                scatter.noc_address[j] = out_noc(w.row * Co + owner * Ct + w.col);
                if (j + 1 < tt::tt_fabric::NOC_SCATTER_WRITE_MAX_CHUNKS)
                    scatter.chunk_size[j] = static_cast<uint16_t>(pg);
            }
            if (send) {
                fabric.wait_for_empty_write_slot();
                fabric.send_payload_without_header_non_blocking_from_address(src, n * pg);
                route(send);
                if (n == 1)
                    header->to_noc_unicast_write({scatter.noc_address[0]}, pg);
                else
                    header->to_noc_unicast_scatter_write(scatter, n * pg, n);
                fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
                unsignalled += n;
                if (++packets % sync == 0) {
                    signal(send, unsignalled);
                    unsignalled = 0;
                }
            }
            if (local) {
                for (uint32_t j = 0; j < n; ++j)
                    noc_async_write(src + j * pg, scatter.noc_address[j], pg);
                noc_async_write_barrier();
            }
            noc_async_writes_flushed();
            cb_pop_front(cb, k);
        }
        if (unsignalled) signal(send, unsignalled);
    }
    if (has_fabric) fabric.close();
    noc_async_write_barrier();
}
