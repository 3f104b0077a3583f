// The cost of a kernel's own code between API calls. Modelled: every basic block the kernel's
// code executes, counted per RISC thread and charged as local time of that thread, by instruction
// class (plain, branch, multiply, divide, L1 load, L1 store; cycles per class from the "risc"
// section of the architecture file). Abstracted: branch prediction (every branch costs as if
// predicted), load-use distance (an L1 load costs its full latency), and the difference between
// the host's x86-64 code and the RV32IM code the RISC runs (counted on the host's instructions).
// Numbers: docs/calibration.md "Kernel code"; classes from tt-isa-documentation
// BabyRISCV/README.md.
//
// How: kernels are compiled with GCC's -fsanitize-coverage=trace-pc (a call at the start of
// every basic block) and line tables. After the build, the object is disassembled once; each
// block's instructions are classified, and those inlined from tensim's kernel headers or the
// build's wrapper are left out (the API's own cost is its call cost). The counts are stored next
// to the object; the trace-pc callback looks up its block by return address and charges it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tensim::kapi {

// Instructions of one basic block, by class.
struct CodeCounts {
    uint16_t plain = 0;       // ALU, moves, stack accesses: one per cycle
    uint16_t branch = 0;      // jumps, calls, returns
    uint16_t mul = 0;         // integer multiplies
    uint16_t div = 0;         // integer divides and remainders
    uint16_t l1_load = 0;     // loads through a pointer (L1 on the RISC)
    uint16_t l1_store = 0;    // stores through a pointer
    uint16_t local_load = 0;  // loads of the RISC's local data RAM (struct fields, spills)
    // Of the L1 loads' latency, the cycles independent instructions after each load cover (at
    // most kL1LoadCover per load): an in-order RISC stalls only when an instruction uses the value.
    uint16_t l1_load_covered = 0;
    bool empty() const {
        return !(plain | branch | mul | div | l1_load | l1_store | local_load | l1_load_covered);
    }
};

// The most latency independent instructions can cover per L1 load: Wormhole's load latency of
// 8 cycles less the load's own (tt-isa-documentation BabyRISCV/README.md: "N - 1 independent
// instructions need to follow the load if the latency is to be entirely hidden").
inline constexpr uint16_t kL1LoadCover = 7;

// Compiler flags that make a kernel countable (added to every kernel build).
std::string code_cost_flags();

// Disassembles `so` and writes its blocks' counts to `out`. Source files under one of
// `own_prefixes` (tensim's kernel headers, the generated wrapper) are not the kernel's code.
void analyse_kernel_code(const std::string& so, const std::vector<std::string>& own_prefixes,
                         const std::string& out);

// Makes the blocks of a loaded kernel object (`handle`, whose `entry` symbol locates it in
// memory) countable, from the counts file `costs`; forget_kernel_code when it is unloaded.
void register_kernel_code(void* handle, const void* entry, const std::string& costs,
                          const std::string& name = "");
void forget_kernel_code(void* handle);

// A call inside a block: the block's instructions before it. A block is charged whole when it is
// entered, so an API call in the middle of one sees the block's later code already charged;
// code_time_at_call takes that back out for calls that report a time (the profiler's markers).
struct CallSite {
    uint64_t return_offset = 0;  // of the instruction after the call
    uint64_t block_offset = 0;
    CodeCounts before;
};

// Per-block counts of a disassembly (objdump -d -l --inlines), by offset of the block's first
// instruction, and the calls inside blocks; exposed for tests.
std::vector<std::pair<uint64_t, CodeCounts>> parse_disassembly(
    const std::string& text, const std::vector<std::string>& own_prefixes,
    std::vector<CallSite>* calls = nullptr);

}  // namespace tensim::kapi

namespace tensim {
class RiscThread;
}

namespace tensim::kapi {

// The cycle at which `t`'s kernel made the call returning to `return_address`: its current time
// less the code of the current block that follows the call.
uint64_t code_time_at_call(RiscThread& t, const void* return_address);

}  // namespace tensim::kapi
