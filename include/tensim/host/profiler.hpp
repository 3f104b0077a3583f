// The device profiler's host side (TT-Metalium tt_metal_profiler.hpp): reading the markers the
// kernels and the firmware recorded (zones, timestamped data, events) into tt-metal's device log,
// profile_log_device.csv, at the place tt-metal writes it. Markers are recorded while profiling
// is on: $TT_METAL_DEVICE_PROFILER=1 as on tt-metal, or tensim::set_device_profiler(true).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"

namespace tt::tt_metal {

namespace distributed {
class MeshDevice;
}

enum class ProfilerReadState { NORMAL, ONLY_DISPATCH_CORES, LAST_FD_READ };
enum class ProfilerSyncState { INIT, CLOSE_DEVICE };

// Names per (device, runtime id) that tt-metal adds to its reports; accepted and not used.
class ProfilerOptionalMetadata {
public:
    using RuntimeID = uint32_t;
    explicit ProfilerOptionalMetadata(
        std::map<std::pair<chip_id_t, RuntimeID>, std::string>&& runtime_map)
        : m_runtime_map(std::move(runtime_map)) {}
    const std::string& get_op_name(chip_id_t device_id, RuntimeID runtime_id) const {
        static const std::string none;
        auto it = m_runtime_map.find({device_id, runtime_id});
        return it == m_runtime_map.end() ? none : it->second;
    }

private:
    std::map<std::pair<chip_id_t, RuntimeID>, std::string> m_runtime_map;
};

// Appends every chip's markers since the last read to the device log (after the queued programs
// have run) and clears them, as tt-metal's read does.
void ReadMeshDeviceProfilerResults(distributed::MeshDevice& mesh_device,
                                   ProfilerReadState state = ProfilerReadState::NORMAL,
                                   const std::optional<ProfilerOptionalMetadata>& metadata = {});

namespace detail {
void ReadDeviceProfilerResults(IDevice* device, ProfilerReadState state = ProfilerReadState::NORMAL,
                               const std::optional<ProfilerOptionalMetadata>& metadata = {});
// Older names of the same read.
void DumpDeviceProfileResults(IDevice* device, ProfilerReadState state = ProfilerReadState::NORMAL);
void DumpDeviceProfileResults(IDevice* device, const Program& program);
// Buffers need no setup in the simulator, and its clocks need no syncing.
inline void InitDeviceProfiler(IDevice*) {}
inline void ProfilerSync(ProfilerSyncState) {}
}  // namespace detail

}  // namespace tt::tt_metal

namespace tensim {
// Turns the device profiler on or off for the kernels launched from now on.
void set_device_profiler(bool on);
bool device_profiler();
// Where ReadDeviceProfilerResults writes: $TT_METAL_PROFILER_DIR/.logs, else
// $TT_METAL_HOME/generated/profiler/.logs, else ./generated/profiler/.logs; the first read of a
// process starts the file afresh, later reads append.
std::string device_profiler_log_path();
}  // namespace tensim
