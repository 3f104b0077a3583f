// TT-Metalium's device profiler in kernels (tt-metal tools/profiler/kernel_profiler.hpp):
// DeviceZoneScopedN and its variants, DeviceTimestampedData and DeviceRecordEvent. Each marker is
// taken at the RISC's simulated cycle (its kernel code and API calls so far included) and costs
// nothing; markers are kept while profiling is on ($TT_METAL_DEVICE_PROFILER) and read by the
// host's ReadDeviceProfilerResults; zones also go to tensim's trace. As on silicon, a RISC records
// at most 250 optional markers per launch (125 zones; tt-metal profiler_common.h
// PROFILER_L1_OPTIONAL_MARKER_COUNT) and drops the rest silently. Sum zones are recorded as zones.
#pragma once
#include <cstdint>
#include <source_location>

namespace tensim::kapi {

// The cycle the zone begins; `recorded` false when the RISC's marker budget for this launch is
// spent (tt-metal drops such zones silently).
uint64_t profiler_zone_begin(const char* name, const std::source_location& loc, bool& recorded);
void profiler_zone_end(const char* name, uint64_t begin, bool recorded,
                       const std::source_location& loc);
void profiler_data(const char* name, uint64_t data, bool event, const std::source_location& loc);

// A zone from its construction to the end of its scope.
class ProfilerZone {
public:
    explicit ProfilerZone(const char* name,
                          const std::source_location& loc = std::source_location::current())
        : m_name(name), m_loc(loc), m_begin(profiler_zone_begin(name, loc, m_recorded)) {}
    ~ProfilerZone() { profiler_zone_end(m_name, m_begin, m_recorded, m_loc); }
    ProfilerZone(const ProfilerZone&) = delete;
    ProfilerZone& operator=(const ProfilerZone&) = delete;

private:
    const char* m_name;
    std::source_location m_loc;
    bool m_recorded = false;
    uint64_t m_begin;
};

}  // namespace tensim::kapi

#define TENSIM_PROFILER_CAT2(a, b) a##b
#define TENSIM_PROFILER_CAT(a, b) TENSIM_PROFILER_CAT2(a, b)
#define DeviceZoneScopedN(name) \
    ::tensim::kapi::ProfilerZone TENSIM_PROFILER_CAT(tensim_profiler_zone_, __LINE__)(name)
#define DeviceZoneScopedMainN(name) DeviceZoneScopedN(name)
#define DeviceZoneScopedMainChildN(name) DeviceZoneScopedN(name)
#define DeviceZoneScopedSumN1(name) DeviceZoneScopedN(name)
#define DeviceZoneScopedSumN2(name) DeviceZoneScopedN(name)
#define DeviceTimestampedData(name, data)                                   \
    ::tensim::kapi::profiler_data(name, static_cast<uint64_t>(data), false, \
                                  std::source_location::current())
#define DeviceRecordEvent(data)                                          \
    ::tensim::kapi::profiler_data("", static_cast<uint64_t>(data), true, \
                                  std::source_location::current())
#define DeviceValidateProfiler(condition)
#define DeviceZoneSetCounter(counter)
