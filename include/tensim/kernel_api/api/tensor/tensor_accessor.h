// TensorAccessor (TT-Metal [T]/[N]): page addressing set up from compile-time args appended by the
// host's TensorAccessorArgs: [args_config (bit0 sharded, bit1 DRAM), aligned page size].
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
    static_assert(!IsSharded, "tensim: sharded TensorAccessor is not supported yet");
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + 2; }
    static constexpr uint32_t next_common_runtime_args_offset() { return CRTA_OFFSET; }
};

template <typename Args>
struct TensorAccessor {
    uint32_t address;
    uint32_t page_size;
    constexpr TensorAccessor(const Args&, uint32_t bank_base_address, uint32_t page_size_ = Args::AlignedPageSize)
        : address(bank_base_address), page_size(page_size_) {}
    uint64_t get_noc_addr(uint32_t page_id, uint32_t offset = 0, uint8_t noc = NOC_INDEX) const {
        return tensim::kapi::interleaved_addr(Args::IsDram, address, page_size, page_id, offset, noc);
    }
    uint32_t get_aligned_page_size() const { return page_size; }
};
