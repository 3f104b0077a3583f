// NoC transaction ids through a compiled kernel: a barrier on one id waits for that id's reads or
// writes only; the DRAM-sharded read state (set_state / with_state) reads the bank it was set to.
#include <gtest/gtest.h>

#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

namespace {

// One kernel: eight 8 KiB reads of DRAM bank 0 tagged 2, then one 32 B read of its own L1 tagged
// 1. The barrier on id 1 returns while the id-2 reads are still landing (the last page still holds
// the fill word); the barrier on id 2 then sees all of them. Then a write tagged 3 to DRAM, and a
// barrier on id 3 before the host reads it back. Results go to L1 words the host reads.
constexpr const char* kKernel = R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t src = get_arg_val<uint32_t>(0), dst = get_arg_val<uint32_t>(1);
    const uint32_t page = 8192, pages = 8;
    const uint32_t big = get_write_ptr(0);       // pages * page bytes for the id-2 reads
    const uint32_t small = big + pages * page;   // 32 B source and 32 B destination of id 1
    const uint32_t result = small + 64;
    volatile uint32_t* r = (volatile uint32_t*)result;
    volatile uint32_t* last = (volatile uint32_t*)(big + (pages - 1) * page);
    for (uint32_t i = 0; i < pages * page / 4; ++i) ((volatile uint32_t*)big)[i] = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < 8; ++i) ((volatile uint32_t*)small)[i] = 0xA0 + i;

    const uint32_t base = noc_async_read_tile_dram_sharded_set_state<true>(src, page, 0, 2);
    noc_async_read_tile_dram_sharded_set_trid(2);
    for (uint32_t i = 0; i < pages; ++i)
        noc_async_read_tile_dram_sharded_with_state_with_trid(base, i * page, big + i * page, 2);
    noc_async_read_set_trid(1);
    noc_async_read(get_noc_addr(my_x[noc_index], my_y[noc_index], small), small + 32, 32);
    const uint64_t t0 = tensim::kapi::cycle_count();
    noc_async_read_barrier_with_trid(1);
    const uint64_t t1 = tensim::kapi::cycle_count();
    r[0] = ((volatile uint32_t*)(small + 32))[5];  // id 1's data landed
    r[1] = last[0];                                // id 2's last page not yet
    noc_async_read_barrier_with_trid(2);
    const uint64_t t2 = tensim::kapi::cycle_count();
    r[2] = last[0];
    r[3] = uint32_t(t1 - t0);
    r[4] = uint32_t(t2 - t0);
    noc_async_read_barrier_with_trid(5);  // nothing tagged 5: returns at once

    noc_async_write_one_packet_with_trid(big, get_noc_addr_from_bank_id<true>(0, dst), 2048, 3);
    noc_async_write_barrier_with_trid(3);
    noc_async_read_barrier();
})";

TEST(NocTrid, BarrierWaitsForItsOwnIdOnly) {
    IDevice* device = CreateDevice(0);
    const uint32_t page = 8192, pages_per_bank = 8, banks = 12;
    // Interleaved 8 KiB pages: bank 0 holds pages 0, 12, 24, ... contiguously from the address.
    auto src = CreateBuffer(InterleavedBufferConfig{device, uint64_t(page) * pages_per_bank * banks,
                                                    page, BufferType::DRAM});
    auto dst = CreateBuffer(InterleavedBufferConfig{device, 2048, 2048, BufferType::DRAM});
    std::vector<uint32_t> in(page / 4 * pages_per_bank * banks);
    for (size_t i = 0; i < in.size(); ++i) in[i] = uint32_t(i);
    EnqueueWriteBuffer(device->command_queue(), src, in, true);

    Program p = CreateProgram();
    CoreCoord core{0, 0};
    const uint32_t cb = page * pages_per_bank + 256;
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(cb, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, cb));
    KernelHandle k = CreateKernelFromString(p, kKernel, core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {src->address(), dst->address()});
    EnqueueProgram(device->command_queue(), p, true);

    const uint32_t cb_addr = 97248;  // c_0 at the unreserved base (test_kernel_api)
    std::vector<uint32_t> r;
    detail::ReadFromDeviceL1(device, core, cb_addr + page * pages_per_bank + 64, 20, r);
    EXPECT_EQ(r[0], 0xA5u) << "the id-1 read had not landed after its barrier";
    EXPECT_EQ(r[1], 0xFFFFFFFFu) << "the barrier on id 1 waited for the id-2 reads";
    // Bank 0's 8th page is interleaved page 7 * 12: its first word is that page's first word.
    EXPECT_EQ(r[2], uint32_t(7 * banks * page / 4)) << "the barrier on id 2 returned early";
    EXPECT_LT(r[3] * 4, r[4]) << "id 1: " << r[3] << " cycles, id 2: " << r[4];

    // The write tagged 3 landed before its barrier returned: the first 2 KiB of bank 0's first
    // page (interleaved page 0) are in dst.
    std::vector<uint32_t> out;
    EnqueueReadBuffer(device->command_queue(), dst, out, true);
    ASSERT_EQ(out.size(), 512u);
    for (uint32_t i = 0; i < 512; ++i) ASSERT_EQ(out[i], i);
    CloseDevice(device);
}

}  // namespace
