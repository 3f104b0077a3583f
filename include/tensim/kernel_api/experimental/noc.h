// TT-Metalium's experimental device API ("Device 2.0", tt_metal/hw/inc/experimental/noc.h): a Noc
// object whose transfers name their endpoints as objects (a CircularBuffer, a TensorAccessor page,
// an L1 address) with per-endpoint arguments ({.page_id}, {.offset_bytes}). Each endpoint type
// says through noc_traits_t<T> how it becomes a local L1 address or a NoC address; the transfers
// are the classic dataflow calls (dataflow_api.h), so they cost and behave exactly as those.
// Transaction ids, posted writes, VC and packet-size template options are accepted and ignored
// beyond what the classic calls model.
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

namespace experimental {

template <typename T>
struct noc_traits_t {
    static_assert(sizeof(T) == 0, "NoC transactions are not supported for this type");
};

class Noc {
public:
    enum class AddressType { NOC, LOCAL_L1 };
    enum class TxnIdMode { ENABLED, DISABLED };
    enum class ResponseMode { NON_POSTED, POSTED };
    enum class BarrierMode { TXN_ID, FULL };
    enum class McastMode { INCLUDE_SRC, EXCLUDE_SRC };
    enum class VcSelection { DEFAULT, CUSTOM };
    static constexpr uint32_t INVALID_TXN_ID = 0xFFFFFFFF;

    template <typename T>
    using src_args_t = typename noc_traits_t<T>::src_args_type;
    template <typename T>
    using dst_args_t = typename noc_traits_t<T>::dst_args_type;
    template <typename T>
    using dst_args_mcast_t = typename noc_traits_t<T>::dst_args_mcast_type;

    Noc() : m_noc(noc_index) {}
    explicit Noc(uint8_t noc_id) : m_noc(noc_id) {}
    uint8_t get_noc_id() const { return m_noc; }

    template <AddressType address_type, typename Src>
    auto get_src_ptr(const Src& src, const src_args_t<Src>& args) const {
        return noc_traits_t<Src>::template src_addr<address_type>(src, *this, args);
    }
    template <AddressType address_type, typename Dst>
    auto get_dst_ptr(const Dst& dst, const dst_args_t<Dst>& args) const {
        return noc_traits_t<Dst>::template dst_addr<address_type>(dst, *this, args);
    }
    template <AddressType address_type, typename Dst>
    auto get_dst_ptr_mcast(const Dst& dst, const dst_args_mcast_t<Dst>& args) const {
        return noc_traits_t<Dst>::template dst_addr_mcast<address_type>(dst, *this, args);
    }

    // src (a NoC address) -> dst (local L1).
    template <TxnIdMode = TxnIdMode::DISABLED, uint32_t = NOC_MAX_BURST_SIZE + 1, bool = true,
              typename Src, typename Dst>
    void async_read(const Src& src, const Dst& dst, uint32_t size_bytes,
                    const src_args_t<Src>& src_args, const dst_args_t<Dst>& dst_args,
                    uint32_t = NOC_UNICAST_WRITE_VC, uint32_t = INVALID_TXN_ID,
                    const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) const {
        noc_async_read(get_src_ptr<AddressType::NOC>(src, src_args),
                       get_dst_ptr<AddressType::LOCAL_L1>(dst, dst_args), size_bytes, m_noc, loc);
    }
    // src (local L1) -> dst (a NoC address).
    template <TxnIdMode = TxnIdMode::DISABLED, ResponseMode = ResponseMode::NON_POSTED,
              uint32_t = NOC_MAX_BURST_SIZE + 1, bool = true, typename Src, typename Dst>
    void async_write(const Src& src, const Dst& dst, uint32_t size_bytes,
                     const src_args_t<Src>& src_args, const dst_args_t<Dst>& dst_args,
                     uint32_t vc = NOC_UNICAST_WRITE_VC, uint32_t = INVALID_TXN_ID,
                     const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) const {
        noc_async_write(get_src_ptr<AddressType::LOCAL_L1>(src, src_args),
                        get_dst_ptr<AddressType::NOC>(dst, dst_args), size_bytes, m_noc, vc, loc);
    }
    // src (local L1) -> the rectangle of cores named by dst's multicast arguments.
    template <McastMode mode = McastMode::EXCLUDE_SRC, TxnIdMode = TxnIdMode::DISABLED,
              ResponseMode = ResponseMode::NON_POSTED, uint32_t = NOC_MAX_BURST_SIZE + 1,
              bool = true, typename Src, typename Dst>
    void async_write_multicast(const Src& src, const Dst& dst, uint32_t size_bytes,
                               uint32_t num_dsts, const src_args_t<Src>& src_args,
                               const dst_args_mcast_t<Dst>& dst_args, bool linked = false,
                               uint32_t = INVALID_TXN_ID,
                               const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) const {
        const uint32_t from = get_src_ptr<AddressType::LOCAL_L1>(src, src_args);
        const uint64_t to = get_dst_ptr_mcast<AddressType::NOC>(dst, dst_args);
        if constexpr (mode == McastMode::INCLUDE_SRC)
            noc_async_write_multicast_loopback_src(from, to, size_bytes, num_dsts, linked, m_noc,
                                                   loc);
        else
            noc_async_write_multicast(from, to, size_bytes, num_dsts, linked, m_noc, loc);
    }

    template <BarrierMode = BarrierMode::FULL>
    void async_read_barrier(uint32_t = INVALID_TXN_ID) const {
        noc_async_read_barrier(m_noc);
    }
    template <BarrierMode = BarrierMode::FULL>
    void async_write_barrier(uint32_t = INVALID_TXN_ID) const {
        noc_async_write_barrier(m_noc);
    }
    template <BarrierMode = BarrierMode::FULL>
    void async_writes_flushed(uint32_t = INVALID_TXN_ID) const {
        noc_async_writes_flushed(m_noc);
    }
    void async_atomic_barrier() const { noc_async_atomic_barrier(m_noc); }
    void async_full_barrier() const { noc_async_full_barrier(m_noc); }

private:
    uint8_t m_noc;
};

}  // namespace experimental
