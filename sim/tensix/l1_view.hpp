// A kernel's own L1 at its plain addresses: what a kernel reaches when it uses an L1 address as a
// pointer, as TT-Metal kernels do (`(uint32_t*)get_arg_val<uint32_t>(3)`, `*(uint32_t*)sem_addr`).
//
// Modelled: on silicon a RISC's loads and stores to [0, L1 size) reach its own core's L1, so an
// address the host handed out (an L1 buffer's, a CB's, a semaphore's) is a valid pointer in every
// core's kernel, each seeing its own bytes. Abstracted: no timing (a plain load costs what plain
// kernel code costs); the bottom of L1 holds tensim's firmware layout (l1_map.hpp), not TT-Metal's.
// How: the process reserves [first page, limit()) once. The first touch of that range by a kernel
// faults; the handler maps the running core's L1 there (the same memfd pages as the core's window
// above 256 MiB, sim/common/low_memory.hpp) and the access retries. A resumed thread of another
// core unmaps it again, only if it is mapped, so a program that never dereferences a plain L1
// address pays one compare per resume. A touch past the core's L1 (or below the first page: a
// null pointer) unwinds the kernel to its firmware loop, which raises a KernelError naming it.
#pragma once
#include <csetjmp>
#include <cstdint>

namespace tensim::l1_view {

// The core a kernel runs on, as the fault handler needs it.
struct Owner {
    const uint8_t* l1 = nullptr;   // the core's L1 (inside a LowMemory)
    uint32_t size = 0;             // its bytes
    sigjmp_buf* escape = nullptr;  // where an out-of-L1 touch unwinds to (the firmware loop)
};

// Reserves the range and installs the SIGSEGV handler, once per process. False when the range is
// taken (then plain L1 addresses fault as before).
bool install();
uint64_t limit();  // end of the reserved range (plain addresses at or past it are not L1)

namespace detail {
extern const Owner* g_owner;   // the kernel thread running now, or null
extern const Owner* g_mapped;  // whose L1 is mapped at the plain addresses, or null
void unmap();
}  // namespace detail

// A kernel thread of `o`'s core runs (it starts or resumes from a wait).
inline void enter(const Owner* o) {
    detail::g_owner = o;
    if (detail::g_mapped && detail::g_mapped != o) detail::unmap();
}
// No kernel runs (a thread waits or ends): a fault now is not a kernel's.
inline void leave() { detail::g_owner = nullptr; }

// After an escape: the address the kernel touched.
uint64_t fault_address();

}  // namespace tensim::l1_view
