// The device profiler's log (tensim/host/profiler.hpp): every RISC's markers written as tt-metal's
// profile_log_device.csv. The columns and their order are tt-metal's (tt_metal/tools/profiler/
// profiler.cpp, dumpDeviceResultsToCSV): two header lines, then one row per marker, by core, RISC
// and time. Times are simulated cycles since the process's simulation began; core_x/core_y are
// the core's NoC0 coordinates; timer_id is a 16-bit hash of name, file and line (tt-metal hashes
// the same fields).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tensim/host/mesh.hpp>
#include <tensim/host/profiler.hpp>
#include <tuple>

#include "chip/chip.hpp"
#include "common/error.hpp"
#include "host/device_impl.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

namespace fs = std::filesystem;

void set_device_profiler(bool on) { RiscThread::set_profiling(on); }
bool device_profiler() { return RiscThread::profiling(); }

std::string device_profiler_log_path() {
    fs::path dir;
    if (const char* d = std::getenv("TT_METAL_PROFILER_DIR"); d && *d)
        dir = fs::path(d) / ".logs";
    else if (const char* h = std::getenv("TT_METAL_HOME"); h && *h)
        dir = fs::path(h) / "generated/profiler/.logs";
    else
        dir = "generated/profiler/.logs";
    return (dir / "profile_log_device.csv").string();
}

namespace {

uint16_t timer_id(const ProfilerMarker& m) {
    uint32_t h = 2166136261u;
    for (char c : fmt::format("{},{},{}", m.name, m.file, m.line))
        h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return static_cast<uint16_t>(h ^ (h >> 16));
}

const char* risc_type(const TensixCore& core, Risc r) {
    if (core.is_eth()) return "ERISC";
    static const char* names[] = {"BRISC", "NCRISC", "TRISC_0", "TRISC_1", "TRISC_2"};
    return names[static_cast<int>(r)];
}

// A CSV field: tt-metal replaces commas in free text so the row keeps its columns.
std::string field(std::string s) {
    std::replace(s.begin(), s.end(), ',', ';');
    return s;
}

void write_device(tt::tt_metal::IDevice* device) {
    host::flush_programs();
    Chip& chip = host::impl_of(*device).chip();
    static bool fresh = true;  // the first read of this process starts the log afresh
    const fs::path path = device_profiler_log_path();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    const bool header = fresh || !fs::exists(path);
    std::ofstream out(path, fresh ? std::ios::trunc : std::ios::app);
    if (!out)
        throw HostError(fmt::format("cannot write the device profiler log {}", path.string()));
    fresh = false;
    if (header) {
        out << fmt::format("ARCH: {}, CHIP_FREQ[MHz]: {}, Max Compute Cores: {}\n",
                           chip.config().name, chip.clock().freq_mhz, chip.workers().size());
        out << "PCIe slot, core_x, core_y, RISC processor type, timer_id, time[cycles since "
               "reset], data, run host ID, trace id, trace id counter, zone name, type, source "
               "line, source file, meta data\n";
    }
    std::vector<TensixCore*> cores = chip.cores();
    std::sort(cores.begin(), cores.end(), [](const TensixCore* a, const TensixCore* b) {
        return std::make_pair(a->xy().x, a->xy().y) < std::make_pair(b->xy().x, b->xy().y);
    });
    for (TensixCore* core : cores) {
        const int riscs = core->is_eth() ? 1 : 5;
        for (int r = 0; r < riscs; ++r) {
            std::vector<ProfilerMarker> markers = core->thread(static_cast<Risc>(r)).take_markers();
            std::stable_sort(
                markers.begin(), markers.end(),
                [](const ProfilerMarker& a, const ProfilerMarker& b) { return a.time < b.time; });
            for (const ProfilerMarker& m : markers)
                out << fmt::format("{},{},{},{},{},{},{},{},,,{},{},{},{},\n", device->id(),
                                   core->xy().x, core->xy().y,
                                   risc_type(*core, static_cast<Risc>(r)), timer_id(m), m.time,
                                   m.data, 0, field(m.name), profiler_marker_type_name(m.type),
                                   m.line, field(m.file));
        }
    }
}

}  // namespace

}  // namespace tensim

namespace tt::tt_metal {

void ReadMeshDeviceProfilerResults(distributed::MeshDevice& mesh_device, ProfilerReadState,
                                   const std::optional<ProfilerOptionalMetadata>&) {
    for (IDevice* d : mesh_device.get_devices()) tensim::write_device(d);
}

namespace detail {
void ReadDeviceProfilerResults(IDevice* device, ProfilerReadState,
                               const std::optional<ProfilerOptionalMetadata>&) {
    tensim::write_device(device);
}
void DumpDeviceProfileResults(IDevice* device, ProfilerReadState) { tensim::write_device(device); }
void DumpDeviceProfileResults(IDevice* device, const Program&) { tensim::write_device(device); }
}  // namespace detail

}  // namespace tt::tt_metal
