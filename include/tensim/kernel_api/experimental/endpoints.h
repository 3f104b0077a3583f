// TT-Metalium's experimental NoC endpoints (tt_metal/hw/inc/experimental/endpoints.h): a core's
// address given as {.noc_x, .noc_y, .addr} (UnicastEndpoint), a rectangle of cores
// (MulticastEndpoint), or a bank of the allocator ({.bank_id, .addr}, AllocatorBank). Each only
// builds the NoC address the classic calls take (get_noc_addr and friends).
#pragma once
#include <cstdint>

#include "experimental/noc.h"

namespace experimental {

struct UnicastEndpoint {};
struct MulticastEndpoint {};
enum AllocatorBankType { L1, DRAM };
template <AllocatorBankType bank_type>
struct AllocatorBank {};

template <>
struct noc_traits_t<UnicastEndpoint> {
    struct src_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    using dst_args_type = src_args_type;
    template <Noc::AddressType address_type>
    static auto src_addr(const UnicastEndpoint&, const Noc& noc, const src_args_type& a) {
        if constexpr (address_type == Noc::AddressType::LOCAL_L1)
            return a.addr;
        else
            return get_noc_addr(a.noc_x, a.noc_y, a.addr, noc.get_noc_id());
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const UnicastEndpoint& e, const Noc& noc, const dst_args_type& a) {
        return src_addr<address_type>(e, noc, a);
    }
};

template <>
struct noc_traits_t<MulticastEndpoint> {
    struct dst_args_mcast_type {
        uint32_t noc_x_start{};
        uint32_t noc_y_start{};
        uint32_t noc_x_end{};
        uint32_t noc_y_end{};
        uint32_t addr{};
    };
    template <Noc::AddressType address_type>
    static uint64_t dst_addr_mcast(const MulticastEndpoint&, const Noc& noc,
                                   const dst_args_mcast_type& a) {
        static_assert(address_type == Noc::AddressType::NOC, "a multicast goes over the NoC");
        return get_noc_multicast_addr(a.noc_x_start, a.noc_y_start, a.noc_x_end, a.noc_y_end,
                                      a.addr, noc.get_noc_id());
    }
};

template <AllocatorBankType bank_type>
struct noc_traits_t<AllocatorBank<bank_type>> {
    struct src_args_type {
        uint32_t bank_id{};
        uint32_t addr{};
    };
    using dst_args_type = src_args_type;
    template <Noc::AddressType address_type>
    static uint64_t src_addr(const AllocatorBank<bank_type>&, const Noc& noc,
                             const src_args_type& a) {
        static_assert(address_type == Noc::AddressType::NOC, "a bank is reached over the NoC");
        return get_noc_addr_from_bank_id<bank_type == DRAM>(a.bank_id, a.addr, noc.get_noc_id());
    }
    template <Noc::AddressType address_type>
    static uint64_t dst_addr(const AllocatorBank<bank_type>& b, const Noc& noc,
                             const dst_args_type& a) {
        return src_addr<address_type>(b, noc, a);
    }
};

}  // namespace experimental
