// The calls a kernel makes into the simulator. Kernel headers (dataflow_api.h, ...) wrap these in
// TT-Metalium's names; each call acts on the RISC thread that is running. Kernel code never
// includes SystemC. Line numbers travel with blocking calls so hangs and errors name the line.
#pragma once
#include <cstddef>
#include <cstdint>
#include <source_location>

#include "hostdevcommon/kernel_structs.h"  // tt::CB, tt::CBIndex, as TT-Metal kernels see them
#include "tensim_abi.h"

#define tt_l1_ptr
#define tt_reg_ptr
#define FORCE_INLINE inline __attribute__((always_inline))
#define ALWI inline __attribute__((always_inline))

// Data formats are the ABI's tt::DataFormat (tensim_abi.h); kernels also name them unqualified.
using tt::DataFormat;

// Per-CB formats of the kernel's cores, baked in by the kernel build (TT-Metal's generated
// format tables), so get_dataformat is constexpr in every kernel kind.
#ifndef TENSIM_CB_FORMATS
#define TENSIM_CB_FORMATS
#endif
namespace tensim::kapi {
constexpr uint8_t cb_formats[] = {TENSIM_CB_FORMATS 0xff};
}  // namespace tensim::kapi
constexpr DataFormat get_dataformat(int32_t operand) {
    return operand >= 0 && operand < int32_t(sizeof(tensim::kapi::cb_formats) - 1)
               ? DataFormat(tensim::kapi::cb_formats[operand])
               : DataFormat::Invalid;
}
constexpr uint32_t NUM_NOCS = 2;

namespace tensim::kapi {

using Loc = std::source_location;

// A kernel misused the API: a KernelError naming the core, RISC and `loc`.
[[noreturn]] void kernel_fail(const char* what, const Loc& loc = Loc::current());

uint32_t arg_addr(uint32_t idx, bool common, const Loc& loc);
uint32_t bank_page_alignment(bool dram);
uint32_t logical_x();
uint32_t logical_y();
uint8_t* my_x_array();
uint8_t* my_y_array();

// Circular buffers.
void cb_reserve_back(uint32_t cb, uint32_t n, const Loc& loc);
void cb_push_back(uint32_t cb, uint32_t n, const Loc& loc);
void cb_wait_front(uint32_t cb, uint32_t n, const Loc& loc);
void cb_pop_front(uint32_t cb, uint32_t n, const Loc& loc);
bool cb_pages_reservable_at_back(uint32_t cb, uint32_t n);
bool cb_pages_available_at_front(uint32_t cb, uint32_t n);
uint32_t cb_write_ptr(uint32_t cb);
uint32_t cb_read_ptr(uint32_t cb);
uint32_t cb_page_size(uint32_t cb);
DataFormat cb_data_format(uint32_t cb);
// Address of the page `tile` pages after CB `cb`'s read (or write) pointer, as DPRINT's TSLICE
// reads it; a KernelError at `loc` unless 0 <= tile < the CB's pages and the page ends in the CB.
uint32_t cb_tile_address(uint32_t cb, bool write_ptr, int32_t tile, const Loc& loc);

// NoC.
enum class Barrier { reads, writes, writes_flushed, atomics, all };
void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size, uint8_t noc, const Loc& loc);
// `vc`: a static VC number 0..15, or kNocDynamicVc for VCs the routers pick.
constexpr uint32_t kNocDynamicVc = 16;
void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint8_t noc, uint32_t vc,
               const Loc& loc);
void noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests,
                         bool loopback_src, uint8_t noc, const Loc& loc);
void noc_atomic_inc(uint64_t addr, uint32_t incr, uint8_t noc, const Loc& loc);
void noc_inline_write(uint64_t addr, uint32_t value, uint8_t noc, const Loc& loc);
void noc_barrier(Barrier which, uint8_t noc, const Loc& loc);
// Transaction ids: tag the read (`write` false) or write command buffer of `noc` with `trid`
// (0..15; kept for later commands), and wait for the reads / non-posted writes tagged `trid`.
void noc_set_trid(bool write, uint32_t trid, uint8_t noc, const Loc& loc);
void noc_barrier_trid(Barrier which, uint32_t trid, uint8_t noc, const Loc& loc);
// DRAM-sharded read state: later noc_read_with_state reads `page_size` bytes from DRAM bank
// `bank` at (returned base + offset); `vc` is the requests' static VC.
uint32_t noc_read_set_state(uint32_t bank_base, uint32_t page_size, uint32_t bank, uint32_t vc,
                            uint8_t noc, const Loc& loc);
void noc_read_with_state(uint32_t src_base, uint32_t src_offset, uint32_t dst_l1, uint8_t noc,
                         const Loc& loc);
uint64_t noc_xy_addr(uint32_t x, uint32_t y, uint32_t addr, uint8_t noc);
uint64_t noc_multicast_addr(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end,
                            uint32_t addr, uint8_t noc);
uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, uint8_t noc);
uint32_t num_banks(bool dram);

// Semaphores.
uint32_t semaphore_addr(uint32_t id);
void semaphore_set(volatile uint32_t* addr, uint32_t val);
void semaphore_wait(volatile uint32_t* addr, uint32_t val, bool at_least, const Loc& loc);

// Debug.
void dprint(const char* text, size_t len);
uint64_t cycle_count();

}  // namespace tensim::kapi

// Kernels use the device profiler without an include, as tt-metal's firmware build gives it them.
#include "tools/profiler/kernel_profiler.hpp"
