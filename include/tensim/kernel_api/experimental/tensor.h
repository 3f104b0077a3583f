// TT-Metalium's experimental tensor endpoints (tt_metal/hw/inc/experimental/tensor.h): a page of a
// TensorAccessor as a NoC source or destination, {.page_id, .offset_bytes}, at the NoC address
// TensorAccessor::get_noc_addr gives (or its low 32 bits where a local address is asked for).
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "experimental/noc.h"

namespace experimental {

template <typename Args>
struct noc_traits_t<TensorAccessor<Args>> {
    struct src_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    struct dst_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    template <Noc::AddressType address_type>
    static auto src_addr(const TensorAccessor<Args>& src, const Noc& noc,
                         const src_args_type& args) {
        const uint64_t a = src.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id());
        if constexpr (address_type == Noc::AddressType::LOCAL_L1)
            return static_cast<uint32_t>(a);
        else
            return a;
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const TensorAccessor<Args>& dst, const Noc& noc,
                         const dst_args_type& args) {
        const uint64_t a = dst.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id());
        if constexpr (address_type == Noc::AddressType::LOCAL_L1)
            return static_cast<uint32_t>(a);
        else
            return a;
    }
};

}  // namespace experimental
