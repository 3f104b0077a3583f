// The simulator side of include/tensim/kernel_api/fabric/tensim_fabric.h.
#include <fmt/format.h>

#include "common/error.hpp"
#include "tensim/kernel_api/fabric/tensim_fabric.h"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace {
RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("fabric kernel API called outside a kernel thread");
    return *t;
}
}  // namespace

uint32_t fabric_l1_addr(uint32_t addr, const Loc& loc) {
    RiscThread& t = self();
    const auto off = t.core().l1_offset(addr, 4);
    if (!off)
        throw KernelError(fmt::format("{}: address 0x{:x} is outside this core's L1",
                                      t.where(loc.file_name(), loc.line()), addr));
    return t.core().l1_address(*off);
}

uint32_t fabric_l1_offset(uint32_t addr, const Loc& loc) {
    RiscThread& t = self();
    const auto off = t.core().l1_offset(addr, 4);
    if (!off)
        throw KernelError(fmt::format("{}: address 0x{:x} is outside this core's L1",
                                      t.where(loc.file_name(), loc.line()), addr));
    return *off;
}

void fabric_spend_cycles(uint32_t cycles) { self().advance(cycles); }

}  // namespace tensim::kapi
