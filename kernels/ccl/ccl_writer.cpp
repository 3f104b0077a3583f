// CCL worker writer (TT-NN's minimal_default_writer.cpp role): takes the reader's packets from c_0
// and sends each slice where it belongs: into this chip's output over the NoC (range 0), or
// through the fabric to the chips `start` .. `start + range - 1` hops away in this worker's
// direction, as one scatter write of up to four pages per packet (a page's output address is the
// same on every chip: tensors are allocated alike). After its data, the worker signals each
// destination set with an atomic increment of the op's semaphore on the waiter core, which the
// router lands after the data; the waiter (expected > 0) then waits for every signal due here.
// Args: out_addr, out_is_dram, page_bytes, pages_per_packet, num_slices, then per slice
// {start, range, out_col_offset, slice_cols, out_cols, first_page, end_page, also_local}; then
// num_signals and
// per signal {start, range}; then waiter_x, waiter_y, semaphore id, expected; then has_fabric and
// the fabric connection args.
#include <cstdint>

#include "dataflow_api.h"
#include "fabric/edm_fabric_worker_adapters.hpp"
#include "page_walk.h"

using tt::tt_fabric::MulticastRoutingCommandHeader;
using tt::tt_fabric::PacketHeader;

void kernel_main() {
    uint32_t a = 0;
    const uint32_t out_addr = get_arg_val<uint32_t>(a++);
    const bool out_dram = get_arg_val<uint32_t>(a++) != 0;
    const uint32_t page = get_arg_val<uint32_t>(a++);
    const uint32_t k = get_arg_val<uint32_t>(a++);
    const uint32_t num_slices = get_arg_val<uint32_t>(a++);
    const uint32_t slices_at = a;
    a += 8 * num_slices;
    const uint32_t num_signals = get_arg_val<uint32_t>(a++);
    const uint32_t signals_at = a;
    a += 2 * num_signals;
    const uint32_t waiter_x = get_arg_val<uint32_t>(a++), waiter_y = get_arg_val<uint32_t>(a++);
    const uint32_t sem = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t expected = get_arg_val<uint32_t>(a++);
    const bool has_fabric = get_arg_val<uint32_t>(a++) != 0;
    std::size_t fa = a;
    tt::tt_fabric::WorkerToFabricEdmSender fabric;
    if (has_fabric) {
        fabric = tt::tt_fabric::WorkerToFabricEdmSender::build_from_args(fa);
        fabric.open();
    }
    constexpr uint32_t cb = tt::CBIndex::c_0;
    constexpr uint32_t cb_header = tt::CBIndex::c_1;
    cb_reserve_back(cb_header, 1);
    const uint32_t header_addr = get_write_ptr(cb_header);
    auto* header = reinterpret_cast<volatile PacketHeader*>(header_addr);
    const InterleavedAddrGen<true> dram = {.bank_base_address = out_addr, .page_size = page};
    const InterleavedAddrGen<false> l1 = {.bank_base_address = out_addr, .page_size = page};
    auto out_noc = [&](uint32_t p) { return out_dram ? dram.get_noc_addr(p) : l1.get_noc_addr(p); };

    for (uint32_t s = 0; s < num_slices; ++s) {
        uint32_t b = slices_at + 8 * s;
        const uint32_t start = get_arg_val<uint32_t>(b++), range = get_arg_val<uint32_t>(b++);
        const uint32_t off = get_arg_val<uint32_t>(b++), cols = get_arg_val<uint32_t>(b++);
        const uint32_t out_cols = get_arg_val<uint32_t>(b++);
        const uint32_t q0 = get_arg_val<uint32_t>(b++), q1 = get_arg_val<uint32_t>(b++);
        const bool local = range == 0 || get_arg_val<uint32_t>(b++) != 0;
        PageWalk w(cols, q0);
        for (uint32_t q = q0; q < q1; q += k) {
            const uint32_t n = q1 - q < k ? q1 - q : k;
            cb_wait_front(cb, k);  // whole packets, the last one padded (reader)
            const uint32_t src = get_read_ptr(cb);
            tt::tt_fabric::NocUnicastScatterCommandHeader scatter{};
            for (uint32_t j = 0; j < n; ++j, w.next()) {
                const uint32_t p = w.row * out_cols + off + w.col;
                scatter.noc_address[j] = out_noc(p);
                if (j + 1 < tt::tt_fabric::NOC_SCATTER_WRITE_MAX_CHUNKS)
                    scatter.chunk_size[j] = static_cast<uint16_t>(page);
                if (local) noc_async_write(src + j * page, scatter.noc_address[j], page);
            }
            if (range > 0) {
                fabric.wait_for_empty_write_slot();
                fabric.send_payload_without_header_non_blocking_from_address(src, n * page);
                header->to_chip_multicast(MulticastRoutingCommandHeader{
                    static_cast<uint8_t>(start), static_cast<uint8_t>(range)});
                if (n == 1)
                    header->to_noc_unicast_write({scatter.noc_address[0]}, page);
                else
                    header->to_noc_unicast_scatter_write(scatter, n * page, n);
                fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
            } else {
                noc_async_writes_flushed();
            }
            if (local && range > 0) noc_async_writes_flushed();
            cb_pop_front(cb, k);
        }
    }
    noc_async_write_barrier();  // local pages have landed before anyone is told
    // Addresses a router writes for us are plain L1 offsets.
    const uint64_t sem_noc = get_noc_addr(waiter_x, waiter_y, tensim::kapi::fabric_l1_offset(sem));
    for (uint32_t g = 0; g < num_signals; ++g) {
        const uint32_t start = get_arg_val<uint32_t>(signals_at + 2 * g);
        const uint32_t range = get_arg_val<uint32_t>(signals_at + 2 * g + 1);
        fabric.wait_for_empty_write_slot();
        header->to_chip_multicast(MulticastRoutingCommandHeader{static_cast<uint8_t>(start),
                                                                static_cast<uint8_t>(range)});
        header->to_noc_unicast_atomic_inc({sem_noc, 1});
        fabric.send_payload_flush_blocking_from_address(header_addr, sizeof(PacketHeader));
    }
    if (has_fabric) fabric.close();
    if (expected) noc_semaphore_wait(reinterpret_cast<volatile uint32_t*>(sem), expected);
}
