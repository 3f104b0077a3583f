// The calls fabric kernels make into the simulator beyond the data-movement API: the L1 pointer
// of a plain L1 offset (the router's buffers are laid out from a runtime-arg base) and the
// firmware cycles a router spends on a packet (tensim does not time kernel instructions, so the
// router charges its per-packet work explicitly; the figure comes from the host, see
// src/fabric/fabric.hpp). Checks that fail are KernelErrors naming the core and kernel line.
#pragma once
#include <cstdint>

#include "../tensim_kernel.h"

namespace tensim::kapi {

// The address a kernel dereferences for L1 offset (or address) `addr` of its own core.
uint32_t fabric_l1_addr(uint32_t addr, const Loc& loc = Loc::current());
// The plain L1 offset of a kernel address of its own core (what another core's NoC command names).
uint32_t fabric_l1_offset(uint32_t addr, const Loc& loc = Loc::current());
// Adds `cycles` of work to the running RISC's time.
void fabric_spend_cycles(uint32_t cycles);

}  // namespace tensim::kapi
