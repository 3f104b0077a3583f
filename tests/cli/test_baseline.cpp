// Cycle-regression checks for CI users: the baseline module (figures read from a run's JSON and a
// host program's report, the comparison, the JUnit XML), `tensim baseline record|compare` as a
// user runs it (a moved figure exits 1 and is named), and --expect-cycles / --min-pcc on the run
// subcommands other than matmul (bench, ccl).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tensim/baseline.hpp"
#include "tensim/error.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tensim::baseline;

namespace {

struct Outcome {
    int status = -1;
    std::string out;  // stdout
};

Outcome run(const std::string& cmd) {
    Outcome r;
    FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

Outcome cli(const std::string& args) {
    return run(std::string(TENSIM_BIN_DIR) + "/tensim " + args);
}

fs::path scratch(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("tensim-test-baseline-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

double metric(const Metrics& m, const std::string& name) {
    for (const auto& [k, v] : m)
        if (k == name) return v;
    ADD_FAILURE() << "no figure " << name;
    return -1;
}

bool has(const Metrics& m, const std::string& name) {
    for (const auto& [k, v] : m)
        if (k == name) return true;
    return false;
}

// Whether `xml` is well-formed, by Python's parser (python3 is one of tools/setup.sh's packages).
bool xml_parses(const fs::path& xml) {
    return run("python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' " +
               xml.string())
               .status == 0;
}

Baseline one_run(double cycles, double pcc, double op_us) {
    Baseline b;
    b.runs.push_back({{"llm", "--model", "m"},
                      {{"device_cycles", cycles}, {"pcc", pcc}, {"ops[qkv].device_us", op_us}},
                      ""});
    return b;
}

}  // namespace

TEST(Baseline, FiguresOfAResultAreCyclesPccAndTimesNotWallTime) {
    const json j = json::parse(R"({"model": "m", "device_cycles": 1200, "device_us": 1.0,
        "wall_s": 3.5, "layer_wall_s": 1.0, "pcc": 0.999, "batch": 32, "core": [1, 2],
        "plan": {"device_cycles": 7, "cores": 4},
        "ops": [{"op": "qkv", "device_us": 2.5, "cores": 8}, {"op": "qkv", "device_us": 3.5},
                {"device_us": 4.5}]})");
    const Metrics m = metrics_from_json(j);
    EXPECT_EQ(metric(m, "device_cycles"), 1200);
    EXPECT_EQ(metric(m, "device_us"), 1.0);
    EXPECT_EQ(metric(m, "pcc"), 0.999);
    EXPECT_EQ(metric(m, "plan.device_cycles"), 7);
    EXPECT_EQ(metric(m, "ops[qkv].device_us"), 2.5);
    EXPECT_EQ(metric(m, "ops[qkv#2].device_us"), 3.5);  // a label given twice
    EXPECT_EQ(metric(m, "ops[2].device_us"), 4.5);      // no label: the index
    for (const char* not_a_figure : {"wall_s", "layer_wall_s", "batch", "plan.cores", "core"})
        EXPECT_FALSE(has(m, not_a_figure)) << not_a_figure;
}

TEST(Baseline, FiguresOfAHostProgramsReport) {
    const std::string csv =
        "op,program,device_id,core_count,device_cycles,device_us,fpu_util,dram_bytes,noc_bytes,"
        "compute_util,noc_util,dram_util,bound\n"
        "matmul,0,0,64,1000,1.000,0.5,1,1,0.1,0.1,0.1,compute\n"
        "\"a,b\",1,0,1,30,0.030,0,0,0,0,0,0,latency\n";
    const Metrics m = metrics_from_report_csv(csv);
    EXPECT_EQ(metric(m, "programs[0 matmul].device_cycles"), 1000);
    EXPECT_EQ(metric(m, "programs[1 a,b].device_us"), 0.030);
    EXPECT_EQ(metric(m, "device_cycles"), 1030);
    EXPECT_EQ(metric(m, "programs"), 2);
    EXPECT_THROW(metrics_from_report_csv("x,y\n1,2\n"), tensim::ConfigError);
}

TEST(Baseline, CompareCatchesAMovedFigureAndHonoursTheTolerance) {
    const Baseline base = one_run(1000, 0.99, 2.0);
    EXPECT_FALSE(any_bad(compare(base, base, {})));
    // One cycle more: moved at 0%, within at 1%.
    auto rows = compare(base, one_run(1001, 0.99, 2.0), {});
    ASSERT_TRUE(any_bad(rows));
    EXPECT_EQ(rows.at(0).metric, "device_cycles");
    EXPECT_EQ(rows.at(0).status, Status::moved);
    EXPECT_NE(format_table(rows, false).find("MOVED"), std::string::npos);
    EXPECT_FALSE(any_bad(compare(base, one_run(1001, 0.99, 2.0), {0.01, 1e-6})));
    // Faster is a move too: the model changed, the baseline wants recording again.
    EXPECT_TRUE(any_bad(compare(base, one_run(900, 0.99, 2.0), {0.05, 1e-6})));
    // A per-op time that moved.
    rows = compare(base, one_run(1000, 0.99, 2.5), {0.1, 1e-6});
    ASSERT_TRUE(any_bad(rows));
    EXPECT_EQ(rows.at(2).status, Status::moved);
    // A PCC: a drop beyond the tolerance is bad, a rise is not.
    EXPECT_TRUE(any_bad(compare(base, one_run(1000, 0.98, 2.0), {0, 1e-3})));
    EXPECT_FALSE(any_bad(compare(base, one_run(1000, 0.9895, 2.0), {0, 1e-3})));
    EXPECT_FALSE(any_bad(compare(base, one_run(1000, 0.999, 2.0), {0, 1e-6})));
    // A figure gone, a failed run.
    Baseline less = base;
    less.runs[0].metrics.pop_back();
    EXPECT_EQ(compare(base, less, {}).back().status, Status::missing);
    Baseline failed = base;
    failed.runs[0].metrics.clear(), failed.runs[0].error = "exit status 1";
    EXPECT_EQ(compare(base, failed, {}).at(0).status, Status::failed);
    // A new figure is reported, not a failure.
    Baseline more = base;
    more.runs[0].metrics.emplace_back("head_us", 1);
    EXPECT_FALSE(any_bad(compare(base, more, {})));
}

TEST(Baseline, FileRoundTripsAndJunitParses) {
    const Baseline base = one_run(1000, 0.99, 2.0);
    const fs::path f = scratch("rt.json");
    save(base, f.string());
    const Baseline back = load(f.string());
    ASSERT_EQ(back.runs.size(), 1u);
    EXPECT_EQ(back.runs[0].command, base.runs[0].command);
    EXPECT_EQ(back.runs[0].metrics, base.runs[0].metrics);
    EXPECT_THROW(from_json(nlohmann::ordered_json::parse(R"({"runs": []})"), "x"),
                 tensim::ConfigError);

    Baseline now = one_run(1100, 0.99, 2.0);
    now.runs[0].command.push_back("<&\"'>");  // a name that needs escaping: a run of its own
    now.runs.push_back(one_run(1100, 0.99, 2.0).runs[0]);
    const auto rows = compare(base, now, {});
    const fs::path xml = scratch("junit.xml");
    std::ofstream(xml) << junit_xml(rows);
    EXPECT_TRUE(xml_parses(xml));
    const std::string text = junit_xml(rows);
    EXPECT_NE(text.find("tests=\"2\" failures=\"1\""), std::string::npos) << text;
    EXPECT_NE(text.find("&lt;&amp;&quot;"), std::string::npos) << text;
}

// The command as a CI job runs it: record, compare unchanged (0), compare against a baseline whose
// figure was moved by hand (1, named in the table and the JUnit XML), and within a tolerance (0).
TEST(BaselineCli, RecordThenCompare) {
    const fs::path base = scratch("base.json"), xml = scratch("moved.xml");
    const std::string mm = "matmul --m 64 --k 64 --n 64 --numerics fast";
    const Outcome rec =
        cli("baseline record " + base.string() + " -- " + mm + " -- bench noc-latency");
    ASSERT_EQ(rec.status, 0) << rec.out;
    json j = json::parse(std::ifstream(base));
    ASSERT_EQ(j.at("runs").size(), 2u);
    const double cycles = j["runs"][0]["metrics"].at("device_cycles").get<double>();
    EXPECT_GT(cycles, 0);
    EXPECT_TRUE(j["runs"][0]["metrics"].contains("pcc"));
    EXPECT_TRUE(j["runs"][1]["metrics"].contains("latency_cycles"));
    EXPECT_EQ(cli("baseline compare " + base.string()).status, 0);

    // The baseline said 4% fewer cycles than the run takes.
    j["runs"][0]["metrics"]["device_cycles"] = cycles / 1.04;
    std::ofstream(base) << j.dump(2);
    const Outcome moved = cli("baseline compare " + base.string() + " --junit " + xml.string());
    EXPECT_EQ(moved.status, 1);
    EXPECT_NE(moved.out.find("device_cycles"), std::string::npos) << moved.out;
    EXPECT_NE(moved.out.find("MOVED"), std::string::npos) << moved.out;
    EXPECT_TRUE(xml_parses(xml));
    EXPECT_EQ(cli("baseline compare " + base.string() + " --tolerance 5%").status, 0);
    EXPECT_EQ(cli("baseline compare " + base.string() + " --tolerance 3%").status, 1);
    // Only the runs named are compared.
    EXPECT_EQ(cli("baseline compare " + base.string() + " -- bench noc-latency").status, 0);
    // Bad usage: a malformed tolerance, a subcommand that is no run, no command.
    EXPECT_EQ(cli("baseline compare " + base.string() + " --tolerance x").status, 2);
    EXPECT_EQ(cli("baseline record " + scratch("b.json").string() + " -- arch").status, 2);
    EXPECT_EQ(cli("baseline record " + scratch("b.json").string()).status, 2);
    // A failing run: record writes nothing and exits 1.
    EXPECT_EQ(cli("baseline record " + scratch("f.json").string() +
                  " -- matmul --m 64 --k 64 --n 64 --set tensix.l1_size_kib=1")
                  .status,
              1);
    EXPECT_FALSE(fs::exists(scratch("f.json")));
}

// A host program (an example) is measured through its report: per-program cycles.
TEST(BaselineCli, HostProgram) {
    const fs::path base = scratch("host.json");
    const std::string prog = std::string(TENSIM_BIN_DIR) + "/add_2_integers_in_riscv";
    ASSERT_EQ(cli("baseline record " + base.string() + " -- " + prog).status, 0);
    const json j = json::parse(std::ifstream(base));
    EXPECT_GT(j["runs"][0]["metrics"].at("device_cycles").get<double>(), 0);
    EXPECT_EQ(cli("baseline compare " + base.string()).status, 0);
}

// --expect-cycles and --min-pcc on bench and ccl: the value from a first run passes, one cycle
// off fails (1), a malformed one is bad usage (2).
TEST(ExpectCli, OnBenchAndCcl) {
    for (const std::string& cmd :
         {std::string("bench noc-latency"),
          std::string("ccl --op all_gather --devices 2 --bytes 65536 --system n300")}) {
        const Outcome first = cli(cmd + " --json");
        ASSERT_EQ(first.status, 0) << cmd;
        const json j = json::parse(first.out);
        const uint64_t c = j.contains("device_cycles") ? j.at("device_cycles").get<uint64_t>()
                                                       : j.at("latency_cycles").get<uint64_t>();
        EXPECT_EQ(cli(cmd + " --expect-cycles " + std::to_string(c)).status, 0) << cmd;
        EXPECT_EQ(cli(cmd + " --expect-cycles " + std::to_string(c + 1)).status, 1) << cmd;
        EXPECT_EQ(cli(cmd + " --expect-cycles " + std::to_string(c + 1) + "+-1%").status, 0) << cmd;
        EXPECT_EQ(cli(cmd + " --expect-cycles 12x").status, 2) << cmd;
        EXPECT_EQ(cli(cmd + " --min-pcc 0.5").status, 1) << cmd;  // timing numerics: no PCC
    }
}
