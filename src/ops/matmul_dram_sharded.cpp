// The DRAM-sharded matmul program (TT-NN's matmul_multicore_reuse_mcast_dram_sharded program
// factory): docs/ops.md "dram_sharded".
#include <algorithm>

#include "ops/matmul_builder.hpp"

namespace tensim::ops::detail {

void Builder::build_dram_sharded() {
    const detail::DeviceFacts f = detail::device_facts(dev);
    const bool in0_sharded = p.a_mem.is_sharded();
    std::vector<CoreCoord> senders;
    if (in0_sharded) senders = corerange_to_cores(*p.a_mem.shard_grid, std::nullopt, true);
    const CoreRange rect = detail::dram_sharded_rect(f, senders);
    const std::vector<CoreCoord> workers(f.bank_workers.begin(),
                                         f.bank_workers.begin() + p.num_cores);
    std::vector<CoreRange> wr(workers.begin(), workers.end());
    const CoreRangeSet worker_set(wr), all(rect);
    // The compute width (out_block_w) may exceed the in1 shard width (per_core_N): TT-NN pads it so
    // that wider subblocks fit; the output CB holds the padded block and the writer copies the real
    // columns into the output's shard (c_6).
    create_cbs(all, worker_set, 3, p.per_core_N, true);
    create_semaphores(all);
    create_compute(worker_set, p.per_core_N);
    const NOC in0_noc = NOC::NOC_1, in1_noc = NOC::NOC_0;
    auto is_worker = [&](const CoreCoord& c) {
        return std::find(workers.begin(), workers.end(), c) != workers.end();
    };

    const CoreCoord sender = workers.front();
    KernelHandle k_in0 = 0, k_in0_receiver = 0;
    if (in0_sharded) {
        k_in0 = CreateKernel(
            program, kDir + "reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp",
            all, dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
    } else {
        k_in0 = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_sender_padding.cpp",
                             CoreRange(sender),
                             dm(DataMovementProcessor::RISCV_1, in0_noc, in0_ct(), false));
        if (rect.size() > 1)
            k_in0_receiver = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_receiver.cpp",
                                          all.subtract(CoreRangeSet(CoreRange(sender))),
                                          dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
    }
    for (const CoreCoord& core : rect) {
        if (in0_sharded) {
            auto it = std::find(senders.begin(), senders.end(), core);
            const uint32_t me = it == senders.end() ? kNotASender : uint32_t(it - senders.begin());
            SetRuntimeArgs(program, k_in0, core,
                           in0_sharded_args(senders, me, rect, is_worker(core), in0_noc));
        } else if (core == sender) {
            SetRuntimeArgs(program, k_in0, core,
                           in0_sender_args(0, p.Mt, rect, uint32_t(rect.size()) - 1, in0_noc));
        } else {
            SetRuntimeArgs(program, k_in0_receiver, core,
                           in0_receiver_args(sender, is_worker(core)));
        }
    }
    const KernelHandle k_in1 =
        CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_sender_dram_sharded.cpp",
                     worker_set, dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    // Reads of at most one packet that tile the block (TT-NN's get_max_page_size_and_num_pages).
    const uint32_t t1 = tile_bytes(p.in1_dtype), block_tiles = bw() * p.per_core_N;
    uint32_t page = std::max(1u, kNocMaxBurstBytes / t1) * t1;
    while (page > t1 && (uint64_t(block_tiles) * t1) % page) page -= t1;
    const uint32_t pages = block_tiles * t1 / page;
    for (uint32_t bank = 0; bank < p.num_cores; ++bank) {
        // Readers sharing a row take different VCs: bank & 3, moved on by one when an earlier
        // reader of the row has the same bank & 3 (TT-NN's DRAM-sharded factory). Not timed: the
        // NoC model keeps no VCs on reads.
        uint32_t vc = bank & 3;
        for (uint32_t j = 0; j < bank; ++j)
            if (workers[j].y == workers[bank].y && (j & 3) == (bank & 3)) {
                vc = (vc + 1) & 3;
                break;
            }
        const uint32_t col0 = bank * p.per_core_N;
        std::vector<uint32_t> v = {b.buffer().address(), bank,       vc, page, pages,
                                   block_tiles,          p.Kt / bw()};
        const auto w = writer_args(0, col0);
        v.insert(v.end(), w.begin(), w.begin() + 6);       // address .. subblock stride h
        v.insert(v.end(), w.begin() + 8, w.begin() + 13);  // subblock shape and counts
        v.push_back(p.Mt);
        v.push_back(clamp_valid(p.Nt, col0, p.per_core_N));
        // Where the writer re-shards the output: this worker's own shard, per_core_N wide.
        const CoreCoord self = noc(workers[bank]);
        v.push_back(uint32_t(self.x));
        v.push_back(uint32_t(self.y));
        v.push_back(p.per_core_N);
        push_bias_args(v, col0);
        SetRuntimeArgs(program, k_in1, workers[bank], v);
    }
}

}  // namespace tensim::ops::detail
