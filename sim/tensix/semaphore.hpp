// The semaphores of a Tensix core as one RISC uses them: 32-bit words in L1 (one per 16 B slot,
// l1_map.hpp) that kernels set and wait on and NoC atomics increment. Modelled: the wait as a
// blocking condition on the word (woken by any change to the core), the cost of each call.
// Abstracted: the RISC's polling loop. Numbers: sim/arch/*.json "risc.semaphore_api_cycles".
#pragma once
#include <cstdint>
#include <source_location>

namespace tensim {

class RiscThread;

namespace semaphore {

// The address a kernel on `t`'s core uses for semaphore `id`; a KernelError beyond the core's
// count.
uint32_t address(RiscThread& t, uint32_t id, const std::source_location& loc);
// Writes `value` to the semaphore at kernel address `addr` (an L1 word of this core).
void set(RiscThread& t, uint32_t addr, uint32_t value, const std::source_location& loc);
// Blocks until the word at `addr` equals `value` (or is at least `value`).
void wait(RiscThread& t, uint32_t addr, uint32_t value, bool at_least,
          const std::source_location& loc);

}  // namespace semaphore
}  // namespace tensim
