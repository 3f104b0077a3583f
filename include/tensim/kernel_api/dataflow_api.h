// TT-Metalium's data-movement kernel API (dataflow_api.h) for tensim. Same names, signatures and
// semantics as TT-Metal; each call forwards to the simulator (tensim_kernel.h). Both the legacy
// InterleavedAddrGen* generators and TensorAccessor are here.
#pragma once
#include <cstdint>

#include "compile_time_args.h"
#include "debug/dprint.h"
#include "hostdevcommon/common_values.hpp"
#include "tensim_kernel.h"

#ifndef NOC_INDEX
#define NOC_INDEX 0
#endif
#ifndef NOC_MODE
#define NOC_MODE 0
#endif

constexpr uint8_t noc_index = NOC_INDEX;
constexpr uint8_t noc_mode = NOC_MODE;
constexpr uint8_t DM_DEDICATED_NOC = 0;
constexpr uint8_t DM_DYNAMIC_NOC = 1;
constexpr uint32_t NOC_UNICAST_WRITE_VC = 1;
constexpr uint32_t NOC_MULTICAST_WRITE_VC = 4;
// tensim extension: passed as `vc`, the write's packets take whatever VC each router has free
// (a NOC_CTRL command without NOC_CMD_VC_STATIC on silicon; TT-Metal's API always sets it).
constexpr uint32_t NOC_DYNAMIC_VC = tensim::kapi::kNocDynamicVc;
constexpr uint32_t NOC_MAX_BURST_SIZE = 8192;

// This core's NoC coordinates, indexed by NoC: my_x[noc_index].
#define my_x (::tensim::kapi::my_x_array())
#define my_y (::tensim::kapi::my_y_array())

// ---- arguments and identity -------------------------------------------------------------------
FORCE_INLINE uint32_t get_arg_addr(int arg_idx,
                                   const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
    return tensim::kapi::arg_addr(arg_idx, false, loc);
}
FORCE_INLINE uint32_t
get_common_arg_addr(int arg_idx, const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
    return tensim::kapi::arg_addr(arg_idx, true, loc);
}
template <typename T>
FORCE_INLINE T get_arg_val(int arg_idx,
                           const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
    static_assert(sizeof(T) == 4, "runtime args are 32-bit words");
    return *reinterpret_cast<volatile tt_l1_ptr T*>(uintptr_t(get_arg_addr(arg_idx, loc)));
}
template <typename T>
FORCE_INLINE T get_common_arg_val(int arg_idx,
                                  const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
    static_assert(sizeof(T) == 4, "runtime args are 32-bit words");
    return *reinterpret_cast<volatile tt_l1_ptr T*>(uintptr_t(get_common_arg_addr(arg_idx, loc)));
}
inline uint32_t get_absolute_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_absolute_logical_y() { return tensim::kapi::logical_y(); }
inline uint32_t get_relative_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_relative_logical_y() { return tensim::kapi::logical_y(); }

// ---- circular buffers ---------------------------------------------------------------------------
using tensim::kapi::Loc;
inline void cb_reserve_back(int32_t operand, int32_t num_pages, const Loc& loc = Loc::current()) {
    tensim::kapi::cb_reserve_back(operand, num_pages, loc);
}
inline void cb_push_back(int32_t operand, int32_t num_pages, const Loc& loc = Loc::current()) {
    tensim::kapi::cb_push_back(operand, num_pages, loc);
}
inline void cb_wait_front(int32_t operand, int32_t num_pages, const Loc& loc = Loc::current()) {
    tensim::kapi::cb_wait_front(operand, num_pages, loc);
}
inline void cb_pop_front(int32_t operand, int32_t num_pages, const Loc& loc = Loc::current()) {
    tensim::kapi::cb_pop_front(operand, num_pages, loc);
}
inline bool cb_pages_reservable_at_back(int32_t operand, int32_t num_pages) {
    return tensim::kapi::cb_pages_reservable_at_back(operand, num_pages);
}
inline bool cb_pages_available_at_front(int32_t operand, int32_t num_pages) {
    return tensim::kapi::cb_pages_available_at_front(operand, num_pages);
}
inline uint32_t get_write_ptr(uint32_t operand) { return tensim::kapi::cb_write_ptr(operand); }
inline uint32_t get_read_ptr(uint32_t operand) { return tensim::kapi::cb_read_ptr(operand); }

// Per-CB formats are baked in by the kernel build (tensim_kernel.h), so these are constexpr as on
// TT-Metal.
namespace tensim::kapi {
constexpr uint32_t tile_size_of(DataFormat f) {
    switch (f) {
        case DataFormat::Float32:
        case DataFormat::Int32:
        case DataFormat::UInt32:
        case DataFormat::Tf32:
            return 4096;
        case DataFormat::Float16:
        case DataFormat::Float16_b:
        case DataFormat::UInt16:
            return 2048;
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b:
            return 1088;
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b:
            return 576;
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b:
            return 320;
        case DataFormat::Int8:
        case DataFormat::UInt8:
        case DataFormat::Lf8:
        case DataFormat::Fp8_e4m3:
            return 1024;
        default:
            return 0;
    }
}
}  // namespace tensim::kapi
constexpr int32_t get_tile_size(int32_t operand) {
    return int32_t(tensim::kapi::tile_size_of(get_dataformat(operand)));
}
constexpr uint32_t get_tile_hw(int32_t) { return 1024; }
constexpr uint32_t get_tile_num_faces(int32_t) { return 4; }

// ---- NoC addresses ------------------------------------------------------------------------------
inline uint64_t get_noc_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr,
                             uint8_t noc = noc_index) {
    return tensim::kapi::noc_xy_addr(noc_x, noc_y, addr, noc);
}
inline uint64_t get_noc_addr(uint32_t addr, uint8_t noc = noc_index) {
    return tensim::kapi::noc_xy_addr(my_x[0], my_y[0], addr, noc);
}
inline uint64_t get_noc_multicast_addr(uint32_t noc_x_start, uint32_t noc_y_start,
                                       uint32_t noc_x_end, uint32_t noc_y_end, uint32_t addr,
                                       uint8_t noc = noc_index) {
    return tensim::kapi::noc_multicast_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr,
                                            noc);
}
template <bool DRAM>
inline uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t bank_address_offset,
                                          uint8_t noc = noc_index) {
    return tensim::kapi::bank_noc_addr(DRAM, bank_id, bank_address_offset, noc);
}

namespace tensim::kapi {
// Interleaved placement: page id lives in bank id % banks, at base + (id / banks) * aligned page.
// Not inlined: the API's own arithmetic (divides by the bank count, a constant on silicon) must
// not be scheduled into the kernel's lines, where the code cost would charge it
// (kernel_api/code_cost.hpp).
__attribute__((noinline)) inline uint64_t interleaved_addr(bool dram, uint32_t base,
                                                           uint32_t page_size, uint32_t id,
                                                           uint32_t offset, uint8_t noc) {
    uint32_t banks = num_banks(dram);
    uint32_t align = bank_page_alignment(dram);  // must match the host allocator's stride
    uint32_t stride = (page_size + align - 1) / align * align;
    return bank_noc_addr(dram, id % banks, base + (id / banks) * stride + offset, noc);
}
}  // namespace tensim::kapi

template <bool DRAM>
struct InterleavedAddrGen {
    uint32_t bank_base_address;
    uint32_t page_size;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index) const {
        return tensim::kapi::interleaved_addr(DRAM, bank_base_address, page_size, id, offset, noc);
    }
};

template <bool DRAM, uint32_t tile_hw = 1024>
struct InterleavedAddrGenFast {
    uint32_t bank_base_address;
    uint32_t page_size;
    DataFormat data_format;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index) const {
        return tensim::kapi::interleaved_addr(DRAM, bank_base_address, page_size, id, offset, noc);
    }
};

template <bool DRAM>
struct InterleavedPow2AddrGen {
    uint32_t bank_base_address;
    uint32_t log_base_2_of_page_size;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index) const {
        return tensim::kapi::interleaved_addr(DRAM, bank_base_address,
                                              1u << log_base_2_of_page_size, id, offset, noc);
    }
};

template <bool DRAM>
struct InterleavedPow2AddrGenFast {
    uint32_t bank_base_address;
    uint32_t log_base_2_of_page_size;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index) const {
        return tensim::kapi::interleaved_addr(DRAM, bank_base_address,
                                              1u << log_base_2_of_page_size, id, offset, noc);
    }
};

template <typename AddrGen>
requires requires(const AddrGen& g) { g.get_noc_addr(0u, 0u, uint8_t(0)); }
inline uint64_t get_noc_addr(uint32_t id, const AddrGen& s, uint32_t offset = 0,
                             uint8_t noc = noc_index) {
    return s.get_noc_addr(id, offset, noc);
}

// ---- transfers ----------------------------------------------------------------------------------
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size,
                           uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
inline void noc_async_read_one_packet(uint64_t src_noc_addr, uint32_t dst_local_l1_addr,
                                      uint32_t size, uint8_t noc = noc_index,
                                      const Loc& loc = Loc::current()) {
    tensim::kapi::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size,
                            uint8_t noc = noc_index, uint32_t vc = NOC_UNICAST_WRITE_VC,
                            const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, vc, loc);
}
inline void noc_async_write_one_packet(uint32_t src_local_l1_addr, uint64_t dst_noc_addr,
                                       uint32_t size, uint8_t noc = noc_index,
                                       uint32_t vc = NOC_UNICAST_WRITE_VC,
                                       const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, vc, loc);
}
inline void noc_async_read_barrier(uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier(tensim::kapi::Barrier::reads, noc, loc);
}
inline void noc_async_write_barrier(uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier(tensim::kapi::Barrier::writes, noc, loc);
}
inline void noc_async_writes_flushed(uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier(tensim::kapi::Barrier::writes_flushed, noc, loc);
}
inline void noc_async_atomic_barrier(uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier(tensim::kapi::Barrier::atomics, noc, loc);
}
inline void noc_async_full_barrier(uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier(tensim::kapi::Barrier::all, noc, loc);
}

// ---- transaction ids and the DRAM-sharded read state ------------------------------------------
// As TT-Metal's (tt_metal/hw/inc/dataflow_api.h): the NIU counts reads and non-posted writes per
// transaction id (0..NOC_MAX_TRANSACTION_ID), so a barrier on one id waits for that id's
// transactions only; an id set on a command buffer stays until changed, and reads or writes
// issued without one carry it too (as the NOC_PACKET_TAG register does).
constexpr uint32_t NOC_MAX_TRANSACTION_ID = 0xF;

inline void noc_async_read_tile_dram_sharded_set_trid(uint32_t trid = 0, uint8_t noc = noc_index,
                                                      const Loc& loc = Loc::current()) {
    tensim::kapi::noc_set_trid(false, trid, noc, loc);
}
inline void noc_async_read_set_trid(uint32_t trid = 0, uint8_t noc = noc_index,
                                    const Loc& loc = Loc::current()) {
    tensim::kapi::noc_set_trid(false, trid, noc, loc);
}
inline void noc_async_write_set_trid(uint32_t trid = 0, uint8_t noc = noc_index,
                                     const Loc& loc = Loc::current()) {
    tensim::kapi::noc_set_trid(true, trid, noc, loc);
}
inline void noc_async_read_barrier_with_trid(uint32_t trid, uint8_t noc = noc_index,
                                             const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier_trid(tensim::kapi::Barrier::reads, trid, noc, loc);
}
inline void noc_async_write_barrier_with_trid(uint32_t trid, uint8_t noc = noc_index,
                                              const Loc& loc = Loc::current()) {
    tensim::kapi::noc_barrier_trid(tensim::kapi::Barrier::writes, trid, noc, loc);
}
// Unused on tensim's NIU (reset_noc_trid_barrier_counter clears counters a launch starts clear).
inline void reset_noc_trid_barrier_counter(uint32_t = 0, uint8_t = noc_index) {}

// Programs the read command buffer for bank `bank_id`'s reads of `page_size` bytes (at most one
// packet, NOC_MAX_BURST_SIZE) on VC `vc` when use_vc; returns the base the *_with_state reads add
// their offset to.
template <bool use_vc>
inline uint32_t noc_async_read_tile_dram_sharded_set_state(uint32_t bank_base_address,
                                                           uint32_t page_size, uint32_t bank_id = 0,
                                                           const uint32_t vc = 0,
                                                           uint8_t noc = noc_index,
                                                           const Loc& loc = Loc::current()) {
    if (page_size > NOC_MAX_BURST_SIZE)
        tensim::kapi::kernel_fail(
            "noc_async_read_tile_dram_sharded_set_state: page size over "
            "NOC_MAX_BURST_SIZE (one packet)",
            loc);
    return tensim::kapi::noc_read_set_state(bank_base_address, page_size, bank_id, use_vc ? vc : 0,
                                            noc, loc);
}
inline void noc_async_read_tile_dram_sharded_with_state(uint32_t src_base_addr, uint32_t src_addr,
                                                        uint32_t dest_addr, uint32_t trid = 0,
                                                        uint8_t noc = noc_index,
                                                        const Loc& loc = Loc::current()) {
    tensim::kapi::noc_read_with_state(src_base_addr, src_addr, dest_addr, noc, loc);
}
// Tags the read with `trid` (writes the packet tag, as TT-Metal's
// ncrisc_noc_fast_read_with_transaction_id does) and issues it.
template <bool skip_ptr_update = false>
inline void noc_async_read_tile_dram_sharded_with_state_with_trid(
    uint32_t src_base_addr, uint32_t src_addr, uint32_t dest_addr, uint32_t trid = 0,
    uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_set_trid(false, trid, noc, loc);
    tensim::kapi::noc_read_with_state(src_base_addr, src_addr, dest_addr, noc, loc);
}
template <bool update_counter = true, bool posted = false>
inline void noc_async_write_one_packet_with_trid(uint32_t src_local_l1_addr, uint64_t dst_noc_addr,
                                                 uint32_t size, uint32_t trid, uint8_t cmd_buf = 0,
                                                 uint8_t noc = noc_index,
                                                 uint8_t vc = NOC_UNICAST_WRITE_VC,
                                                 const Loc& loc = Loc::current()) {
    static_assert(update_counter && !posted, "tensim models non-posted, counted writes only");
    if (size > NOC_MAX_BURST_SIZE)
        tensim::kapi::kernel_fail("noc_async_write_one_packet_with_trid: size over one packet",
                                  loc);
    tensim::kapi::noc_set_trid(true, trid, noc, loc);
    tensim::kapi::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, vc, loc);
}

template <typename AddrGen>
inline void noc_async_read_page(uint32_t id, const AddrGen& s, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index,
                                const Loc& loc = Loc::current()) {
    tensim::kapi::noc_read(s.get_noc_addr(id, offset, noc), dst_local_l1_addr, s.page_size - offset,
                           noc, loc);
}
template <typename AddrGen>
inline void noc_async_write_page(uint32_t id, const AddrGen& s, uint32_t src_local_l1_addr,
                                 uint32_t size = 0, uint32_t offset = 0, uint8_t noc = noc_index,
                                 const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, s.get_noc_addr(id, offset, noc),
                            size ? size : s.page_size, noc, NOC_UNICAST_WRITE_VC, loc);
}
template <typename AddrGen>
inline void noc_async_read_tile(uint32_t id, const AddrGen& s, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index,
                                const Loc& loc = Loc::current()) {
    noc_async_read_page(id, s, dst_local_l1_addr, offset, noc, loc);
}
template <typename AddrGen>
inline void noc_async_write_tile(uint32_t id, const AddrGen& s, uint32_t src_local_l1_addr,
                                 uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, s.get_noc_addr(id, 0, noc), s.page_size, noc,
                            NOC_UNICAST_WRITE_VC, loc);
}

inline void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                      uint32_t size, uint32_t num_dests, bool linked = false,
                                      uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests,
                                      false, noc, loc);
}
inline void noc_async_write_multicast_loopback_src(uint32_t src_local_l1_addr,
                                                   uint64_t dst_noc_addr_multicast, uint32_t size,
                                                   uint32_t num_dests, bool linked = false,
                                                   uint8_t noc = noc_index,
                                                   const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests,
                                      true, noc, loc);
}
inline void noc_inline_dw_write(uint64_t addr, uint32_t val, uint8_t be = 0xF,
                                uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_inline_write(addr, val, noc, loc);
}

// ---- semaphores ---------------------------------------------------------------------------------
enum class ProgrammableCoreType : uint8_t { TENSIX = 0, ACTIVE_ETH = 1, IDLE_ETH = 2 };
template <ProgrammableCoreType type = ProgrammableCoreType::TENSIX>
inline uint32_t get_semaphore(uint32_t semaphore_id) {
    return tensim::kapi::semaphore_addr(semaphore_id);
}
inline void noc_semaphore_set(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val) {
    tensim::kapi::semaphore_set(sem_addr, val);
}
inline void noc_semaphore_wait(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val,
                               const Loc& loc = Loc::current()) {
    tensim::kapi::semaphore_wait(sem_addr, val, false, loc);
}
inline void noc_semaphore_wait_min(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val,
                                   const Loc& loc = Loc::current()) {
    tensim::kapi::semaphore_wait(sem_addr, val, true, loc);
}
inline void noc_semaphore_inc(uint64_t addr, uint32_t incr, uint8_t noc_id = noc_index,
                              uint8_t vc = NOC_UNICAST_WRITE_VC, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_atomic_inc(addr, incr, noc_id, loc);
}
inline void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr,
                                     uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, dst_noc_addr, 4, noc, NOC_UNICAST_WRITE_VC, loc);
}
inline void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                        uint32_t num_dests, bool linked = false,
                                        uint8_t noc = noc_index, const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests,
                                      false, noc, loc);
}
inline void noc_semaphore_set_multicast_loopback_src(uint32_t src_local_l1_addr,
                                                     uint64_t dst_noc_addr_multicast,
                                                     uint32_t num_dests, bool linked = false,
                                                     uint8_t noc = noc_index,
                                                     const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests, true,
                                      noc, loc);
}

#include "api/tensor/tensor_accessor.h"

// [N]: one whole shard of a sharded buffer between its bank and L1.
template <typename Args>
inline void noc_async_read_shard(uint32_t shard_id, const TensorAccessor<Args>& s,
                                 uint32_t dst_local_l1_addr, uint8_t noc = noc_index,
                                 const Loc& loc = Loc::current()) {
    tensim::kapi::noc_read(s.get_shard_noc_addr(shard_id, 0, noc), dst_local_l1_addr,
                           s.shard_bytes(), noc, loc);
}
template <typename Args>
inline void noc_async_write_shard(uint32_t shard_id, const TensorAccessor<Args>& s,
                                  uint32_t src_local_l1_addr, uint8_t noc = noc_index,
                                  const Loc& loc = Loc::current()) {
    tensim::kapi::noc_write(src_local_l1_addr, s.get_shard_noc_addr(shard_id, 0, noc),
                            s.shard_bytes(), noc, NOC_UNICAST_WRITE_VC, loc);
}

namespace tensim::kapi {
void wait_cycles(uint32_t cycles);  // dataflow.cpp
}
// tt-metal's risc_common.h: spins until `cycles` cycles of the RISC's clock have passed.
inline void riscv_wait(uint32_t cycles) { tensim::kapi::wait_cycles(cycles); }
