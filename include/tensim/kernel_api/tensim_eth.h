// The calls an Ethernet kernel makes into the simulator beyond the data-movement ones
// (tensim_kernel.h). ethernet/dataflow_api.h wraps them in TT-Metalium's ERISC names; each acts
// on the ERISC that is running and fails with a KernelError on a Tensix core.
#pragma once
#include <cstdint>

#include "tensim_kernel.h"

namespace tensim::kapi {

// The kernel-visible address of this ERISC's channel handshake words (TT-Metal's erisc_info).
uint32_t eth_info_addr(const Loc& loc = Loc::current());
// The address a kernel can dereference for this ERISC's L1 offset `l1_offset` (what the host hands
// out): silicon kernels dereference the plain offset, tensim's L1 lives in a window.
uint32_t eth_l1_ptr(uint32_t l1_offset, const Loc& loc = Loc::current());
// One TX command: `bytes` from local L1 `src` to the connected ERISC's L1 `dst` (either a plain
// L1 offset or a pointer into this core's L1). Waits while the TX queue is busy.
void eth_send(uint32_t src, uint32_t dst, uint32_t bytes, const Loc& loc);
// Whether the TX queue is still handing a command to the link.
bool eth_txq_busy(const Loc& loc = Loc::current());
// Blocks until the L1 word at `addr` compares to `value` as `cond` says (the link writes it).
enum class EthCond : uint32_t { eq, ne, ge };
void eth_wait_word(volatile uint32_t* addr, uint32_t value, EthCond cond, const Loc& loc);
// A polling loop's yield (TT-Metal's run_routing): waits until this core's L1 or NoC state
// changes, so a kernel spinning on a flag costs one wake-up per change, not per iteration.
void eth_poll(const Loc& loc);

}  // namespace tensim::kapi
