// What runs leave behind through tensim::set_run_outputs: the stats JSON (one entry per program),
// the per-op CSV, and the Perfetto trace: its tracks, zones that agree with the stats, NoC flows
// in pairs, and the core filter and the cap.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <tt-metalium/host_api.hpp>

#include "tensim/host/tensim.hpp"

using namespace tt;
using namespace tt::tt_metal;
namespace fs = std::filesystem;
using nlohmann::json;

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
void run_streams(IDevice* d, uint32_t tiles, const std::string& name) {
    auto buf = CreateBuffer(InterleavedBufferConfig{d, tiles * 2048, 2048, BufferType::DRAM});
    Program p = CreateProgram();
    tensim::set_program_name(p, name);
    CoreRange cores({0, 0}, {1, 0});
    CreateCircularBuffer(p, cores, CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}}).set_page_size(CBIndex::c_0, 2048));
    KernelHandle r = CreateKernelFromString(p, kReader, cores, ReaderDataMovementConfig{});
    KernelHandle s = CreateKernelFromString(p, kSink, cores, WriterDataMovementConfig{});
    SetRuntimeArgs(p, r, cores, {buf->address(), tiles});
    SetRuntimeArgs(p, s, cores, {tiles});
    EnqueueProgram(d->command_queue(), p, true);
}

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
    EXPECT_EQ(row0.rfind("first,0,0,2," + std::to_string(first.device_cycles) + ",", 0), 0u) << row0;
    EXPECT_EQ(row1.rfind("second,1,0,2," + std::to_string(second.device_cycles) + ",", 0), 0u) << row1;

    json trace = read_json(dir / "trace.json");
    const json& events = trace["traceEvents"];
    std::map<std::pair<int, int>, std::string> thread_names;  // (pid, tid) -> name
    std::map<uint64_t, int> flows;                              // id -> starts - finishes
    std::map<std::pair<int, int>, double> waited_us;           // (pid, tid) -> wait zones
    std::map<std::pair<int, int>, int> kernel_zones;
    for (const json& e : events) {
        const std::string ph = e.at("ph");
        if (ph == "M" && e["name"] == "thread_name") thread_names[{e["pid"], e["tid"]}] = e["args"]["name"];
        if (ph == "X") {
            ASSERT_GE(e.at("dur").get<double>(), 0.0);
            ASSERT_GE(e.at("ts").get<double>(), 0.0);
            const std::string cat = e["cat"];
            if ((cat == "brisc" || cat == "ncrisc")) {
                const std::string name = e["name"];
                if (name.rfind("kernel_", 0) == 0) ++kernel_zones[{e["pid"], e["tid"]}];
                else waited_us[{e["pid"], e["tid"]}] += e["dur"].get<double>();
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
    // The wait zones of each thread add up to its stall cycles in the stats (1 GHz: 1 cycle = 1 ns).
    uint64_t stalls = 0;
    for (const auto& prog : stats["programs"])
        for (const auto& [key, v] : prog["stats"].items())
            if (key.find(".brisc.stall_cycles.") != std::string::npos || key.find(".ncrisc.stall_cycles.") != std::string::npos)
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
