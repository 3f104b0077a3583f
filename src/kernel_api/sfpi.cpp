// The simulator side of the SFPI emulation (include/tensim/kernel_api/tensim_sfpi.h): Dst tiles
// of the math thread's half for the kernel's lane arithmetic, and the SFPU time of the
// instructions it counted, priced by sim/tensix (Sfpu::sfpi, "sfpu"."sfpi" costs).
#include <fmt/format.h>

#include "common/error.hpp"
#include "tensim/kernel_api/tensim_sfpi.h"
#include "tensix/compute_engine.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace {

RiscThread& math_thread(const Loc& loc) {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("SFPI used outside a kernel thread");
    if (t->risc() != Risc::TRISC1)
        throw KernelError(
            fmt::format("{}: SFPI runs on the math thread only (wrap it in MATH(...) "
                        "or #ifdef TRISC_MATH)",
                        t->where(loc.file_name(), loc.line())));
    return *t;
}

}  // namespace

float* sfpi_dst_tile(uint32_t idst, const Loc& loc) {
    RiscThread& t = math_thread(loc);
    bool written = false;
    return t.core().compute().dst(t, idst, written).data();
}

bool sfpi_dst_fp32() {
    RiscThread* t = RiscThread::current();
    return t && t->core().compute().fp32_dst();
}

void sfpi_run(const abi::SfpiCounts& counts, const Loc& loc) {
    RiscThread& t = math_thread(loc);
    t.core().compute().sfpu().sfpi(t, counts);
}

}  // namespace tensim::kapi
