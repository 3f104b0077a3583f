// What the chip's NoCs offer a Tensix core's RISCs: read, write, multicast, atomic increment
// (completions arrive as counter updates on the issuing thread), plus the interleaved bank map the
// firmware keeps (TT-Metal's bank_to_noc tables). Implemented by Chip, which forwards the
// transactions to the NoC's transaction layer (noc/transactions.hpp).
#pragma once
#include <cstdint>

#include "common/clock.hpp"
#include "noc/noc_address.hpp"
#include "noc/noc_vc.hpp"

namespace tensim {

class RiscThread;

class NocPort {
public:
    virtual ~NocPort() = default;
    // Each returns the number of packets issued; the first leaves one issue cost after t0. A
    // write's packets ask for `vc`.
    virtual uint32_t read(RiscThread& t, int noc, uint64_t src_addr, uint32_t dst_l1, uint32_t size,
                          Cycle t0) = 0;
    virtual uint32_t write(RiscThread& t, int noc, uint32_t src_l1, uint64_t dst_addr,
                           uint32_t size, NocVc vc, Cycle t0) = 0;
    virtual uint32_t multicast(RiscThread& t, int noc, uint32_t src_l1, uint64_t mcast_addr,
                               uint32_t size, uint32_t num_dests, bool loopback_src, Cycle t0) = 0;
    virtual void atomic_inc(RiscThread& t, int noc, uint64_t addr, uint32_t incr, Cycle t0) = 0;
    // A write whose 32-bit payload travels in the packet (noc_inline_dw_write).
    virtual void inline_write(RiscThread& t, int noc, uint64_t addr, uint32_t value, Cycle t0) = 0;
    // Interleaved banks: DRAM channels, or L1 of the worker cores in logical row-major order.
    virtual uint32_t num_banks(bool dram) const = 0;
    // Pages of interleaved buffers are placed at this stride alignment (the host allocator's).
    virtual uint32_t bank_page_alignment(bool dram) const = 0;
    // NoC address (in `noc`'s coordinates) of bank-local address `addr` in bank `bank`.
    virtual uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, int noc) const = 0;
    // This core's tile coordinates on `noc`.
    virtual uint32_t noc_x(int noc, uint32_t x0, uint32_t y0) const = 0;
    virtual uint32_t noc_y(int noc, uint32_t x0, uint32_t y0) const = 0;
    // The bit layout of this chip's NoC addresses (noc.address_*), for building them.
    virtual NocAddressLayout address_layout() const = 0;
};

}  // namespace tensim
