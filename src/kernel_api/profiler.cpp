// The simulator side of the kernel profiler (include/tensim/kernel_api/tools/profiler/
// kernel_profiler.hpp): markers at the running RISC's current cycle, into its profiler buffer
// while profiling is on; zones also into the trace.
#include <fmt/format.h>

#include <unordered_map>

#include "common/error.hpp"
#include "common/trace.hpp"
#include "kernel_api/code_cost.hpp"
#include "tensim/kernel_api/tools/profiler/kernel_profiler.hpp"
#include "tensix/risc_thread.hpp"

namespace tensim::kapi {

namespace {

// A RISC's buffer holds this many optional markers per launch; the firmware's own zones have
// their reserved slots (tt-metal hostdevcommon/profiler_common.h: PROFILER_L1_OPTIONAL_MARKER_COUNT
// 250, PROFILER_L1_GUARANTEED_MARKER_COUNT 4). A zone takes two markers, timestamped data two
// (its 64-bit value), an event one.
constexpr uint32_t kOptionalMarkers = 250;

// Takes `n` marker slots of the running launch of `t`; false when they are spent.
bool take_slots(RiscThread& t, uint32_t n) {
    struct Use {
        Cycle launch;
        uint32_t used;
    };
    static std::unordered_map<const RiscThread*, Use> use;
    Use& u = use[&t];
    if (u.launch != t.start_cycle()) u = {t.start_cycle(), 0};
    if (u.used + n > kOptionalMarkers) return false;
    u.used += n;
    return true;
}

RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("kernel profiler called outside a kernel thread");
    return *t;
}
}  // namespace

uint64_t profiler_zone_begin(const char* name, const std::source_location& loc, bool& recorded) {
    RiscThread& t = self();
    const Cycle now = code_time_at_call(t, __builtin_return_address(0));
    recorded = RiscThread::profiling() && take_slots(t, 2);
    if (recorded)
        t.add_marker({ProfilerMarker::zone_start, now, 0, name, loc.file_name(), loc.line()});
    return now;
}

void profiler_zone_end(const char* name, uint64_t begin, bool recorded,
                       const std::source_location& loc) {
    RiscThread* t = RiscThread::current();
    if (!t) return;  // a destructor while the kernel unwinds after its thread ended
    const Cycle now = code_time_at_call(*t, __builtin_return_address(0));
    if (recorded)
        t->add_marker({ProfilerMarker::zone_end, now, 0, name, loc.file_name(), loc.line()});
    if (trace::Sink* sink = trace::sink(); sink && sink->wants(t->track()))
        sink->zone(t->track(), name, begin, now, fmt::format("{}:{}", loc.file_name(), loc.line()));
}

void profiler_data(const char* name, uint64_t data, bool event, const std::source_location& loc) {
    RiscThread& t = self();
    if (RiscThread::profiling() && take_slots(t, event ? 1 : 2))
        t.add_marker({event ? ProfilerMarker::ts_event : ProfilerMarker::ts_data,
                      code_time_at_call(t, __builtin_return_address(0)), data, name,
                      loc.file_name(), loc.line()});
}

}  // namespace tensim::kapi
