// TT-Metalium's experimental CoreLocalMem<T> (tt_metal/hw/inc/experimental/core_local_mem.h): a
// typed L1 address of this core, indexable like a pointer, and a local endpoint of the experimental
// Noc's transfers ({.offset_bytes} per transfer). In tensim an L1 address is a valid pointer in a
// kernel (docs/compute-api.md), so the accesses are plain loads and stores.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "experimental/noc.h"

namespace experimental {

template <typename T, typename AddressType = uintptr_t>
class CoreLocalMem {
    static_assert(std::is_integral_v<AddressType> && std::is_unsigned_v<AddressType>,
                  "an address is an unsigned integer");

public:
    using difference_type = std::ptrdiff_t;
    CoreLocalMem(AddressType address) : m_address(address) {}
    CoreLocalMem(T* ptr) : m_address(reinterpret_cast<AddressType>(ptr)) {}

    tt_l1_ptr T* get_unsafe_ptr() const { return reinterpret_cast<tt_l1_ptr T*>(m_address); }
    AddressType get_address() const { return m_address; }
    T& operator[](uint32_t i) const { return get_unsafe_ptr()[i]; }
    T& operator*() const { return *get_unsafe_ptr(); }
    tt_l1_ptr T* operator->() const { return get_unsafe_ptr(); }

    CoreLocalMem& operator+=(difference_type n) { return m_address += n * sizeof(T), *this; }
    CoreLocalMem& operator-=(difference_type n) { return m_address -= n * sizeof(T), *this; }
    CoreLocalMem& operator++() { return *this += 1; }
    CoreLocalMem& operator--() { return *this -= 1; }
    CoreLocalMem operator++(int) {
        CoreLocalMem old = *this;
        ++*this;
        return old;
    }
    CoreLocalMem operator--(int) {
        CoreLocalMem old = *this;
        --*this;
        return old;
    }
    CoreLocalMem operator+(difference_type n) const {
        return CoreLocalMem(m_address + n * sizeof(T));
    }
    CoreLocalMem operator-(difference_type n) const {
        return CoreLocalMem(m_address - n * sizeof(T));
    }
    difference_type operator-(const CoreLocalMem& o) const {
        return (difference_type(m_address) - difference_type(o.m_address)) /
               difference_type(sizeof(T));
    }
    auto operator<=>(const CoreLocalMem&) const = default;
    explicit operator bool() const { return m_address != 0; }

private:
    AddressType m_address;
};

template <typename T, typename AddressType>
struct noc_traits_t<CoreLocalMem<T, AddressType>> {
    struct src_args_type {
        AddressType offset_bytes = 0;
    };
    struct dst_args_type {
        AddressType offset_bytes = 0;
    };
    struct dst_args_mcast_type {};
    template <Noc::AddressType address_type>
    static uint32_t src_addr(const CoreLocalMem<T, AddressType>& m, const Noc&,
                             const src_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "CoreLocalMem is local L1");
        return uint32_t(m.get_address() + args.offset_bytes);
    }
    template <Noc::AddressType address_type>
    static uint32_t dst_addr(const CoreLocalMem<T, AddressType>& m, const Noc&,
                             const dst_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "CoreLocalMem is local L1");
        return uint32_t(m.get_address() + args.offset_bytes);
    }
};

}  // namespace experimental
