#include "tensix/semaphore.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::semaphore {

namespace {

[[noreturn]] void fail(RiscThread& t, const std::source_location& loc, const std::string& what) {
    throw KernelError(fmt::format("{}: {}", t.where(loc.file_name(), loc.line()), what));
}

uint32_t word_offset(RiscThread& t, uint32_t addr, const std::source_location& loc,
                     const char* call) {
    auto off = t.core().l1_offset(addr, 4);
    if (!off)
        fail(t, loc,
             fmt::format("{} address 0x{:x} (+4 B) is outside this core's L1 ({} B)", call, addr,
                         t.core().l1_size()));
    return *off;
}

}  // namespace

uint32_t address(RiscThread& t, uint32_t id, const std::source_location& loc) {
    const uint32_t count = t.core().config().num_semaphores;
    if (id >= count)
        fail(t, loc, fmt::format("get_semaphore({}): only {} semaphores per core", id, count));
    return t.core().l1_address(l1_map::semaphore(id));
}

void set(RiscThread& t, uint32_t addr, uint32_t value, const std::source_location& loc) {
    const uint32_t off = word_offset(t, addr, loc, "noc_semaphore_set");
    t.advance(t.config().semaphore_api_cycles);
    t.sync();
    t.core().word(off) = value;
    t.core().notify_l1_changed();
}

void wait(RiscThread& t, uint32_t addr, uint32_t value, bool at_least,
          const std::source_location& loc) {
    const uint32_t off = word_offset(t, addr, loc, "noc_semaphore_wait");
    t.advance(t.config().semaphore_api_cycles);
    t.wait_until(
        [w = &t.core().word(off), value, at_least] { return at_least ? *w >= value : *w == value; },
        WaitInfo::at(at_least ? WaitInfo::semaphore_min : WaitInfo::semaphore_eq, off, value, loc));
}

}  // namespace tensim::semaphore
