// TT-Metalium's experimental CircularBuffer (tt_metal/hw/inc/experimental/circular_buffer.h): a
// circular buffer as an object over the classic cb_* calls, and as a NoC endpoint: as a source its
// read pointer (the front page), as a destination its write pointer (the reserved back page), plus
// {.offset_bytes}; with a multicast range, that address on a rectangle of cores.
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "experimental/noc.h"

namespace experimental {

class CircularBuffer {
public:
    enum class AddrSelector { WRITE_PTR, READ_PTR };

    explicit CircularBuffer(uint32_t cb_id) : m_cb(cb_id) {}
    uint32_t get_cb_id() const { return m_cb; }
    void reserve_back(int32_t num_pages) { cb_reserve_back(m_cb, num_pages); }
    void push_back(int32_t num_pages) { cb_push_back(m_cb, num_pages); }
    void wait_front(int32_t num_pages) { cb_wait_front(m_cb, num_pages); }
    void pop_front(int32_t num_pages) { cb_pop_front(m_cb, num_pages); }
    uint32_t get_write_ptr() const { return ::get_write_ptr(m_cb); }
    uint32_t get_read_ptr() const { return ::get_read_ptr(m_cb); }
    uint32_t get_tile_size() const { return ::get_tile_size(m_cb); }
    DataFormat get_dataformat() const { return ::get_dataformat(m_cb); }
    bool pages_reservable_at_back(int32_t num_pages) const {
        return cb_pages_reservable_at_back(m_cb, num_pages);
    }
    bool pages_available_at_front(int32_t num_pages) const {
        return cb_pages_available_at_front(m_cb, num_pages);
    }

private:
    uint32_t m_cb;
};

template <>
struct noc_traits_t<CircularBuffer> {
    struct src_args_type {
        uint32_t offset_bytes{};
    };
    struct dst_args_type {
        uint32_t offset_bytes{};
    };
    struct dst_args_mcast_type {
        uint32_t noc_x_start{};
        uint32_t noc_y_start{};
        uint32_t noc_x_end{};
        uint32_t noc_y_end{};
        uint32_t offset_bytes{};
    };
    template <Noc::AddressType address_type>
    static uint32_t src_addr(const CircularBuffer& src, const Noc&, const src_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1,
                      "a CircularBuffer is a local L1 source");
        return src.get_read_ptr() + args.offset_bytes;
    }
    template <Noc::AddressType address_type>
    static uint32_t dst_addr(const CircularBuffer& dst, const Noc&, const dst_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1,
                      "a CircularBuffer without a multicast range is a local L1 destination");
        return dst.get_write_ptr() + args.offset_bytes;
    }
    template <Noc::AddressType address_type>
    static uint64_t dst_addr_mcast(const CircularBuffer& dst, const Noc& noc,
                                   const dst_args_mcast_type& args) {
        static_assert(address_type == Noc::AddressType::NOC,
                      "a CircularBuffer with a multicast range is a NoC destination");
        return get_noc_multicast_addr(args.noc_x_start, args.noc_y_start, args.noc_x_end,
                                      args.noc_y_end, dst.get_write_ptr() + args.offset_bytes,
                                      noc.get_noc_id());
    }
};

}  // namespace experimental
