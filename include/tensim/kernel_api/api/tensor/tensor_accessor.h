// TensorAccessor (TT-Metal [T]/[N]): page addressing set up from compile-time args appended by the
// host's TensorAccessorArgs: [args_config (bit0 sharded, bit1 DRAM), aligned page size], and for a
// sharded buffer (a 2-D grid of pages cut into shards) [tensor width, shard height, shard width in
// pages, shards, the bank of each shard]. A page's shard gives its bank; its place in the shard,
// row-major, gives its offset from the bank base address.
#pragma once
#include <cstdint>

#include "compile_time_args.h"
#include "tensim_kernel.h"

template <uint32_t CTA_OFFSET, uint32_t CRTA_OFFSET = 0>
struct TensorAccessorArgs {
    static constexpr uint32_t ArgsConfig = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool IsDram = (ArgsConfig & 2) != 0;
    static constexpr bool IsSharded = (ArgsConfig & 1) != 0;
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);
    static constexpr uint32_t arg(uint32_t i) {
        return IsSharded ? get_compile_time_arg_val(CTA_OFFSET + i) : 0;
    }
    static constexpr uint32_t TensorPagesW = arg(2);
    static constexpr uint32_t ShardPagesH = arg(3);
    static constexpr uint32_t ShardPagesW = arg(4);
    static constexpr uint32_t NumShards = arg(5);
    static uint32_t shard_bank(uint32_t shard) {
        return get_compile_time_arg_val(CTA_OFFSET + 6 + shard);
    }
    static constexpr uint32_t next_compile_time_args_offset() {
        return CTA_OFFSET + (IsSharded ? 6 + NumShards : 2);
    }
    static constexpr uint32_t next_common_runtime_args_offset() { return CRTA_OFFSET; }
};

template <typename Args>
struct TensorAccessor {
    uint32_t address;
    uint32_t page_size;
    constexpr TensorAccessor(const Args&, uint32_t bank_base_address,
                             uint32_t page_size_ = Args::AlignedPageSize)
        : address(bank_base_address), page_size(page_size_) {}
    uint64_t get_noc_addr(uint32_t page_id, uint32_t offset = 0, uint8_t noc = NOC_INDEX) const {
        if constexpr (!Args::IsSharded) {
            return tensim::kapi::interleaved_addr(Args::IsDram, address, page_size, page_id, offset,
                                                  noc);
        } else {
            const uint32_t r = page_id / Args::TensorPagesW, c = page_id % Args::TensorPagesW;
            const uint32_t shard_cols =
                (Args::TensorPagesW + Args::ShardPagesW - 1) / Args::ShardPagesW;
            const uint32_t shard = (r / Args::ShardPagesH) * shard_cols + c / Args::ShardPagesW;
            const uint32_t in_shard =
                (r % Args::ShardPagesH) * Args::ShardPagesW + c % Args::ShardPagesW;
            return shard_noc_addr(shard, in_shard * page_size + offset, noc);
        }
    }
    // Where shard `shard_id` starts (sharded buffers only).
    uint64_t get_shard_noc_addr(uint32_t shard_id, uint32_t offset = 0,
                                uint8_t noc = NOC_INDEX) const {
        static_assert(Args::IsSharded, "get_shard_noc_addr needs a sharded buffer");
        return shard_noc_addr(shard_id, offset, noc);
    }
    uint32_t get_aligned_page_size() const { return page_size; }
    uint32_t shard_bytes() const { return Args::ShardPagesH * Args::ShardPagesW * page_size; }

private:
    uint64_t shard_noc_addr(uint32_t shard, uint32_t offset, uint8_t noc) const {
        if (shard >= Args::NumShards)
            tensim::kapi::kernel_fail("TensorAccessor: shard index beyond the buffer's shards");
        return tensim::kapi::bank_noc_addr(Args::IsDram, Args::shard_bank(shard), address + offset,
                                           noc);
    }
};
