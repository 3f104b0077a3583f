// What a program run leaves behind: device time, per-kernel times, the stats JSON; the run outputs
// (stats of every program, the per-op CSV, the Perfetto trace with its filter and cap); and the
// systems a process can open (n150, n300) and kernel path lookup.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tt-metalium/host_api.hpp>

#include "tensim/error.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

const char* kReader = R"(#include "dataflow_api.h"
void kernel_main() {
    InterleavedAddrGenFast<true> s{get_arg_val<uint32_t>(0), 2048, DataFormat::Float16_b};
    for (uint32_t i = 0; i < get_arg_val<uint32_t>(1); ++i) {
        cb_reserve_back(0, 1);
        noc_async_read_tile(i, s, get_write_ptr(0));
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
})";
const char* kSink = R"(#include "dataflow_api.h"
void kernel_main() {
    for (uint32_t i = 0; i < get_arg_val<uint32_t>(0); ++i) { cb_wait_front(0, 1); cb_pop_front(0, 1); }
})";

// Cores (0,0) and (1,0) each stream `tiles` DRAM tiles through a CB from NCRISC to BRISC.
void run_streams(IDevice* d, uint32_t tiles, const std::string& name = "") {
    auto buf = CreateBuffer(InterleavedBufferConfig{d, tiles * 2048, 2048, BufferType::DRAM});
    Program p = CreateProgram();
    if (!name.empty()) tensim::set_program_name(p, name);
    CoreRange cores({0, 0}, {1, 0});
    CreateCircularBuffer(p, cores,
                         CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(CBIndex::c_0, 2048));
    KernelHandle r = CreateKernelFromString(p, kReader, cores, ReaderDataMovementConfig{});
    KernelHandle s = CreateKernelFromString(p, kSink, cores, WriterDataMovementConfig{});
    SetRuntimeArgs(p, r, cores, {buf->address(), tiles});
    SetRuntimeArgs(p, s, cores, {tiles});
    EnqueueProgram(d->command_queue(), p, true);
}

TEST(ProgramStats, DeviceTimeIsTheLastKernelEnd) {
    IDevice* d = CreateDevice(0);
    run_streams(d, 16);
    const auto& st = tensim::last_program_stats(d);
    ASSERT_EQ(st.kernels.size(), 4u);
    uint64_t last = 0;
    for (const auto& k : st.kernels) {
        EXPECT_LE(k.start_cycle, k.end_cycle);
        last = std::max(last, k.end_cycle);
    }
    EXPECT_EQ(st.device_cycles, last);
    EXPECT_DOUBLE_EQ(st.device_time_us, st.device_cycles / 1000.0);  // 1 GHz
    // 16 tiles of 2 KiB, one read in flight at a time: at least the DRAM time of 32 KiB.
    EXPECT_GT(st.device_cycles, 32768 / 22.2);
    CloseDevice(d);
}

TEST(ProgramStats, LongerWorkTakesLonger) {
    IDevice* d = CreateDevice(0);
    run_streams(d, 8);
    uint64_t eight = tensim::last_program_stats(d).device_cycles;
    run_streams(d, 32);
    uint64_t thirty_two = tensim::last_program_stats(d).device_cycles;
    EXPECT_GT(thirty_two, 3 * eight);
    EXPECT_LT(thirty_two, 5 * eight);
    CloseDevice(d);
}

TEST(ProgramStats, JsonHasProgramThreadsNocDramAndConfig) {
    IDevice* d = CreateDevice(0);
    run_streams(d, 8);
    std::string path = (std::filesystem::temp_directory_path() / "tensim_stats_test.json").string();
    tensim::write_stats_json(d, path);
    std::ifstream in(path);
    auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j["programs"].size(), 1u);
    const auto& prog = j["programs"][0];
    const auto& st = prog["stats"];
    const uint64_t cycles = prog["device_cycles"];
    EXPECT_EQ(cycles, tensim::last_program_stats(d).device_cycles);
    // Named after its kernels' files (sources given as strings are kept as kernel_<hash>.cpp).
    EXPECT_EQ(prog["name"].get<std::string>().rfind("kernel_", 0), 0u);
    EXPECT_NE(prog["name"].get<std::string>().find("+kernel_"), std::string::npos);
    EXPECT_EQ(prog["cores"], 2);
    // Every cycle of a thread's run is busy (timed work) or stalled (blocked), each counted where
    // it happens; before its start and after its end it is idle. So the three add up.
    for (const auto& k : tensim::last_program_stats(d).kernels) {
        uint64_t stalled = 0;
        for (const auto& [why, n] : k.stall_cycles) stalled += n;
        EXPECT_EQ(k.busy_cycles + stalled, k.end_cycle - k.start_cycle)
            << k.risc << " of core " << k.core_x;
        EXPECT_GT(k.busy_cycles, 0u);
    }
    for (const char* t : {"chip0.core_0_0.brisc.", "chip0.core_1_0.ncrisc."}) {
        const uint64_t idle = st[std::string(t) + "idle_cycles"];
        uint64_t sum = st[std::string(t) + "busy_cycles"].get<uint64_t>() + idle;
        for (const auto& [k, v] : st.items())
            if (k.rfind(std::string(t) + "stall_cycles.", 0) == 0) sum += v.get<uint64_t>();
        EXPECT_LE(idle, cycles) << t;
        EXPECT_EQ(sum, cycles) << t;
    }
    ASSERT_EQ(prog["kernels"].size(), 4u);
    for (const auto& k : prog["kernels"]) EXPECT_LE(k["end_cycle"].get<uint64_t>(), cycles);
    // The reader (NCRISC) waited on DRAM, the sink (BRISC) on the reader.
    EXPECT_GT(st.value("chip0.core_0_0.ncrisc.stall_cycles.noc_read", 0), 0);
    EXPECT_GT(st.value("chip0.core_0_0.brisc.stall_cycles.cb_wait", 0), 0);
    // 8 tiles x 2 KiB per core were read out of DRAM by two cores.
    uint64_t dram_read = 0;
    for (const auto& [k, v] : st.items())
        if (k.rfind("chip0.dram.ch", 0) == 0 && k.size() > 11 && k.ends_with(".bytes_read"))
            dram_read += v.get<uint64_t>();
    EXPECT_EQ(dram_read, 2u * 8 * 2048);
    EXPECT_EQ(prog["dram_bytes"], 2u * 8 * 2048);
    EXPECT_EQ(prog["noc_bytes"], 2u * 8 * 2048);
    bool link = false;
    for (const auto& [k, v] : st.items())
        if (k.rfind("chip0.noc0.link_", 0) == 0 && k.ends_with(".utilization")) {
            link = true;
            EXPECT_GE(v.get<double>(), 0.0);
            EXPECT_LE(v.get<double>(), 1.0);
        }
    EXPECT_TRUE(link);
    EXPECT_EQ(j["config"]["name"], "n150");
    EXPECT_EQ(j["config"]["chip"]["tensix"]["l1_size_kib"]["value"], 1464);
    CloseDevice(d);
    std::filesystem::remove(path);
}

TEST(Systems, N300HasTwoIndependentDevices) {
    tensim::set_system("n300");
    EXPECT_EQ(GetNumAvailableDevices(), 2u);
    IDevice* d0 = CreateDevice(0);
    IDevice* d1 = CreateDevice(1);
    EXPECT_EQ(d1->id(), 1);
    run_streams(d1, 4);
    EXPECT_GT(tensim::last_program_stats(d1).device_cycles, 0u);
    run_streams(d0, 4);
    EXPECT_EQ(tensim::last_program_stats(d0).device_cycles,
              tensim::last_program_stats(d1).device_cycles);
    EXPECT_THROW(tensim::set_system("n150"), tensim::HostError);  // devices still open
    CloseDevice(d0);
    CloseDevice(d1);
    tensim::set_system("n150");
    EXPECT_EQ(GetNumAvailableDevices(), 1u);
    EXPECT_THROW(tensim::set_system("no_such_board"), tensim::ConfigError);
}

TEST(KernelPaths, ResolveLikeTtMetal) {
    namespace fs = std::filesystem;
    IDevice* d = CreateDevice(0);
    // Relative to the root (the source tree when TT_METAL_HOME is unset).
    Program p1 = CreateProgram();
    EXPECT_NO_THROW(CreateKernel(p1, "examples/loopback/kernels/loopback_dram_copy.cpp",
                                 CoreCoord{0, 0}, DataMovementConfig{}));
    // Through TT_METAL_KERNEL_PATH.
    fs::path dir = fs::temp_directory_path() / "tensim_kernel_path_test";
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "sub" / "k.cpp") << "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n";
    setenv("TT_METAL_KERNEL_PATH", dir.c_str(), 1);
    Program p2 = CreateProgram();
    EXPECT_NO_THROW(CreateKernel(p2, "sub/k.cpp", CoreCoord{0, 0}, DataMovementConfig{}));
    EXPECT_NO_THROW(EnqueueProgram(d->command_queue(), p2, true));
    unsetenv("TT_METAL_KERNEL_PATH");
    Program p3 = CreateProgram();
    EXPECT_THROW(CreateKernel(p3, "sub/k.cpp", CoreCoord{0, 0}, DataMovementConfig{}),
                 tensim::HostError);
    fs::remove_all(dir);
    CloseDevice(d);
}

}  // namespace

namespace {
TEST(Systems, OverriddenL1IsWhatBuffersGet) {
    // 1 MiB per core fits the standard 1464 KiB L1 but not a 512 KiB one.
    tensim::set_system("n150", {"tensix.l1_size_kib=512", "worker_grid=2x2"});
    IDevice* d = CreateDevice(0);
    EXPECT_EQ(d->l1_size_per_core(), 512u * 1024);
    EXPECT_EQ(d->compute_with_storage_grid_size(), (CoreCoord{2, 2}));
    EXPECT_THROW(CreateBuffer(InterleavedBufferConfig{d, 4u << 20, 1u << 20, BufferType::L1}),
                 tensim::HostError);
    CloseDevice(d);
    tensim::set_system("n150");
    d = CreateDevice(0);
    EXPECT_NO_THROW(CreateBuffer(InterleavedBufferConfig{d, 64u << 20, 1u << 20, BufferType::L1}));
    CloseDevice(d);
}
}  // namespace

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

class RunOutputs : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("tensim_outputs_" + std::to_string(::getpid()));
        fs::create_directories(dir);
    }
    void TearDown() override {
        tensim::set_run_outputs({});
        fs::remove_all(dir);
    }
    tensim::RunOutputs paths() const {
        tensim::RunOutputs o;
        o.stats_path = (dir / "stats.json").string();
        o.trace_path = (dir / "trace.json").string();
        o.report_path = (dir / "report.csv").string();
        return o;
    }
    fs::path dir;
};

TEST_F(RunOutputs, StatsReportAndTraceCoverEveryProgram) {
    tensim::set_run_outputs(paths());
    IDevice* d = CreateDevice(0);
    run_streams(d, 8, "first");
    const tensim::ProgramStats first = tensim::last_program_stats(d);
    run_streams(d, 16, "second");
    const tensim::ProgramStats second = tensim::last_program_stats(d);
    CloseDevice(d);  // writes the files

    json stats = read_json(dir / "stats.json");
    ASSERT_EQ(stats["programs"].size(), 2u);
    EXPECT_EQ(stats["programs"][0]["name"], "first");
    EXPECT_EQ(stats["programs"][1]["device_cycles"], second.device_cycles);
    EXPECT_EQ(stats["programs"][1]["dram_bytes"], 2u * 16 * 2048);
    EXPECT_EQ(stats["config"]["name"], "n150");

    std::ifstream csv(dir / "report.csv");
    std::string header, row0, row1, extra;
    std::getline(csv, header), std::getline(csv, row0), std::getline(csv, row1);
    EXPECT_FALSE(std::getline(csv, extra));
    EXPECT_EQ(header.rfind("op,program,device_id,core_count,device_cycles,device_us,", 0), 0u);
    EXPECT_EQ(row0.rfind("first,0,0,2," + std::to_string(first.device_cycles) + ",", 0), 0u)
        << row0;
    EXPECT_EQ(row1.rfind("second,1,0,2," + std::to_string(second.device_cycles) + ",", 0), 0u)
        << row1;

    json trace = read_json(dir / "trace.json");
    const json& events = trace["traceEvents"];
    std::map<std::pair<int, int>, std::string> thread_names;  // (pid, tid) -> name
    std::map<uint64_t, int> flows;                            // id -> starts - finishes
    std::map<std::pair<int, int>, double> waited_us;          // (pid, tid) -> wait zones
    std::map<std::pair<int, int>, int> kernel_zones;
    for (const json& e : events) {
        const std::string ph = e.at("ph");
        if (ph == "M" && e["name"] == "thread_name")
            thread_names[{e["pid"], e["tid"]}] = e["args"]["name"];
        if (ph == "X") {
            ASSERT_GE(e.at("dur").get<double>(), 0.0);
            ASSERT_GE(e.at("ts").get<double>(), 0.0);
            const std::string cat = e["cat"];
            if ((cat == "brisc" || cat == "ncrisc")) {
                const std::string name = e["name"];
                if (name.rfind("kernel_", 0) == 0)
                    ++kernel_zones[{e["pid"], e["tid"]}];
                else
                    waited_us[{e["pid"], e["tid"]}] += e["dur"].get<double>();
            }
        }
        if (ph == "s") ++flows[e.at("id")];
        if (ph == "f") --flows[e.at("id")];
    }
    std::multiset<std::string> names;
    for (const auto& [k, v] : thread_names) names.insert(v);
    EXPECT_EQ(names.count("brisc"), 2u);
    EXPECT_EQ(names.count("ncrisc"), 2u);
    EXPECT_EQ(names.count("noc"), 2u);
    EXPECT_GE(names.count("dram ch0"), 1u);
    for (const auto& [k, n] : kernel_zones) EXPECT_EQ(n, 2) << "one kernel zone per program";
    EXPECT_EQ(kernel_zones.size(), 4u);
    ASSERT_FALSE(flows.empty());
    for (const auto& [id, balance] : flows) ASSERT_EQ(balance, 0) << "flow " << id;
    // The wait zones of each thread add up to its stall cycles in the stats (1 GHz: 1 cycle = 1
    // ns).
    uint64_t stalls = 0;
    for (const auto& prog : stats["programs"])
        for (const auto& [key, v] : prog["stats"].items())
            if (key.find(".brisc.stall_cycles.") != std::string::npos ||
                key.find(".ncrisc.stall_cycles.") != std::string::npos)
                stalls += v.get<uint64_t>();
    double waited = 0;
    for (const auto& [k, us] : waited_us) waited += us;
    EXPECT_NEAR(waited * 1000.0, double(stalls), 1.0);
    EXPECT_FALSE(trace["otherData"]["capped"].get<bool>());
}

TEST_F(RunOutputs, TraceKeepsTheChosenCoresAndStopsAtTheCap) {
    tensim::RunOutputs o = paths();
    o.trace_x0 = o.trace_x1 = 1;
    o.trace_y0 = o.trace_y1 = 0;
    tensim::set_run_outputs(o);
    IDevice* d = CreateDevice(0);
    run_streams(d, 8, "filtered");
    tensim::write_run_outputs();
    std::set<std::string> processes;
    const json filtered = read_json(dir / "trace.json");
    for (const json& e : filtered["traceEvents"])
        if (e["ph"] == "M" && e["name"] == "process_name") processes.insert(e["args"]["name"]);
    EXPECT_TRUE(processes.count("chip0 core (1,0)"));
    EXPECT_FALSE(processes.count("chip0 core (0,0)"));

    // A cycle window keeps what overlaps it.
    o = paths();
    const tensim::ProgramStats& prev = tensim::last_program_stats(d);
    o.trace_from_cycle = prev.launch_cycle + prev.device_cycles + 2000;  // inside the next program
    o.trace_to_cycle = o.trace_from_cycle + 500;
    tensim::set_run_outputs(o);
    run_streams(d, 8, "windowed");
    ASSERT_GT(
        tensim::last_program_stats(d).launch_cycle + tensim::last_program_stats(d).device_cycles,
        o.trace_to_cycle);
    tensim::write_run_outputs();
    const json windowed = read_json(dir / "trace.json");
    size_t zones = 0;
    for (const json& e : windowed["traceEvents"])
        if (e["ph"] == "X") {
            const double begin = e["ts"].get<double>() * 1000,
                         end = begin + e["dur"].get<double>() * 1000;
            ++zones;
            // A NoC transfer is kept when it overlaps the window; its two markers sit at its
            // send and arrival, one of which may lie outside.
            if (e["cat"] == "noc" && e["dur"].get<double>() == 0) continue;
            EXPECT_GE(end + 1, double(o.trace_from_cycle)) << e.dump();
            EXPECT_LE(begin - 1, double(o.trace_to_cycle)) << e.dump();
        }
    EXPECT_GT(zones, 0u);

    o = paths();
    o.trace_max_events = 40;
    tensim::set_run_outputs(o);
    run_streams(d, 8, "capped");
    CloseDevice(d);
    json capped = read_json(dir / "trace.json");
    size_t recorded = 0;
    for (const json& e : capped["traceEvents"]) recorded += e["ph"] != "M" && e["ph"] != "C";
    EXPECT_LE(recorded, 40u);
    EXPECT_GT(recorded, 0u);
    EXPECT_TRUE(capped["otherData"]["capped"].get<bool>());
}

}  // namespace
