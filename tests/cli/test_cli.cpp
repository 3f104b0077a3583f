// The tensim command line as a user runs it (build/bin/tensim): --version, help, exit statuses
// (0 ok, 1 the run failed, 2 bad usage), --set repeated, --system and $TENSIM_SYSTEM, --json on
// stdout or into a file, and a sweep whose point fails.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Outcome {
    int status = -1;  // exit status
    std::string out;  // stdout
};

// Runs `env tensim args` with stderr discarded, or kept in the output when `with_stderr`.
Outcome tensim(const std::string& args, const std::string& env = "", bool with_stderr = false) {
    const std::string cmd = (env.empty() ? "" : "env " + env + " ") + TENSIM_BIN_DIR + "/tensim " +
                            args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    Outcome r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

fs::path scratch(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("tensim-test-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

const std::string kMatmul = "matmul --m 64 --k 64 --n 64 --numerics timing";

}  // namespace

TEST(Cli, VersionAndHelp) {
    const Outcome v = tensim("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_EQ(v.out.rfind("tensim ", 0), 0u) << v.out;

    const Outcome h = tensim("help");
    EXPECT_EQ(h.status, 0);
    for (const char* word :
         {"arch", "bench", "calibrate", "matmul", "sweep", "--json", "Exit status", "TENSIM_LOG"})
        EXPECT_NE(h.out.find(word), std::string::npos) << word << "\n" << h.out;

    const Outcome hm = tensim("help bench dram-read");
    EXPECT_EQ(hm.status, 0);
    EXPECT_NE(hm.out.find("--transaction-bytes"), std::string::npos) << hm.out;
    EXPECT_NE(hm.out.find("--system"), std::string::npos) << hm.out;
    EXPECT_EQ(tensim("help nosuch").status, 2);
}

TEST(Cli, BadUsageExitsTwo) {
    EXPECT_EQ(tensim("").status, 2);                            // no subcommand
    EXPECT_EQ(tensim("nosuch").status, 2);                      // unknown subcommand
    EXPECT_EQ(tensim("matmul --k 64 --n 64").status, 2);        // a required option missing
    EXPECT_EQ(tensim("matmul --m x --k 64 --n 64").status, 2);  // not a number
    EXPECT_EQ(tensim(kMatmul + " --grid 8by8").status, 2);      // a bad value found after parsing
    EXPECT_EQ(tensim(kMatmul + " --set nosuch.key=1").status, 2);
    EXPECT_EQ(tensim("bench noc-latency --system nosuch").status, 2);
    EXPECT_EQ(tensim("arch show --log loud").status, 2);
    EXPECT_EQ(tensim(kMatmul + " --trace-cores 1-2").status, 2);
}

TEST(Cli, FailedRunExitsOne) {
    // Parses, but the matmul does not fit: in0 alone takes 8 MiB of the single core's L1.
    EXPECT_EQ(tensim("matmul --m 2048 --k 2048 --n 2048 --numerics timing --set worker_grid=1x1 "
                     "--in0-mem l1_interleaved")
                  .status,
              1);
    // An override the board cannot take is a bad option value instead.
    EXPECT_EQ(tensim(kMatmul + " --set tensix.l1_size_kib=64").status, 2);
}

TEST(Cli, SetIsRepeatable) {
    const Outcome r =
        tensim("arch validate --set tensix.l1_size_kib=512 --set clock_mhz=1200 --json");
    ASSERT_EQ(r.status, 0) << r.out;
    const json j = json::parse(r.out);  // --json alone: stdout is the JSON and nothing else
    const std::string summary = j.at("summary");
    EXPECT_NE(summary.find("L1 512 KiB"), std::string::npos) << summary;
    EXPECT_NE(summary.find("1200 MHz"), std::string::npos) << summary;
}

TEST(Cli, SystemFromFlagAndEnvironment) {
    for (const auto& [args, env] :
         {std::pair<std::string, std::string>{"--system n300", ""}, {"", "TENSIM_SYSTEM=n300"}}) {
        const Outcome a = tensim("arch validate --json " + args, env);
        ASSERT_EQ(a.status, 0) << args << env;
        EXPECT_EQ(json::parse(a.out).at("summary").get<std::string>().rfind("n300, 2 chip(s)", 0),
                  0u)
            << a.out;
        const Outcome m = tensim(kMatmul + " --json " + args, env);
        ASSERT_EQ(m.status, 0) << args << env;
        EXPECT_EQ(json::parse(m.out).at("system"), "n300") << m.out;
    }
    // The flag wins over the environment.
    const Outcome m = tensim(kMatmul + " --json --system n150", "TENSIM_SYSTEM=n300");
    ASSERT_EQ(m.status, 0);
    EXPECT_EQ(json::parse(m.out).at("system"), "n150");
}

TEST(Cli, JsonToFileKeepsTheHumanText) {
    const fs::path out = scratch("bench.json");
    const Outcome r = tensim("bench noc-latency --json " + out.string());
    ASSERT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("first issue to barrier end"), std::string::npos) << r.out;
    std::ifstream f(out);
    const json j = json::parse(f);
    EXPECT_EQ(j.at("benchmark"), "noc_latency");
    EXPECT_GT(j.at("latency_cycles").get<int>(), 0);
}

// The Ethernet benchmarks default to the n300 (two chips); a system without a link fails the run.
TEST(Cli, EthBenchmarksRunOnATwoChipSystem) {
    const Outcome r = tensim("bench eth-bandwidth --rounds 4 --json");
    ASSERT_EQ(r.status, 0) << r.out;
    const json j = json::parse(r.out);
    EXPECT_EQ(j.at("link").at("peer_chip"), 1);
    EXPECT_EQ(j.at("packets"), 4 * 16);
    EXPECT_GT(j.at("gbytes_per_s").get<double>(), 0);
    EXPECT_EQ(tensim("bench eth-latency --system n150").status, 1);
}

TEST(Cli, SweepWithAFailedPointExitsOne) {
    const fs::path csv = scratch("failing.csv");
    const Outcome r = tensim("sweep -j 2 --over worker_grid=1x1,nonsense --out " + csv.string() +
                             " -- " + kMatmul);
    EXPECT_EQ(r.status, 1);
    std::ifstream f(csv);
    std::stringstream text;
    text << f.rdbuf();
    EXPECT_NE(text.str().find(",ok,"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find(",error,"), std::string::npos) << text.str();
    // All points fine: exit 0.
    EXPECT_EQ(tensim("sweep --over worker_grid=1x1 --out " + scratch("fine.csv").string() + " -- " +
                     kMatmul)
                  .status,
              0);
}

TEST(Cli, CheckInitIsAcceptedAndValidated) {
    // The op layer's kernels configure every engine they use, so they pass the init check.
    EXPECT_EQ(tensim("--check init " + kMatmul).status, 0);
    EXPECT_EQ(tensim(kMatmul + " --check init").status, 0);
    EXPECT_EQ(tensim("--check everything " + kMatmul).status, 2);
}

// Numeric options are checked against their real range, and the message says which it is (not
// CLI11's 309-digit double bound).
TEST(Cli, NumericOptionsNameTheirRange) {
    auto both = [](const std::string& args) { return tensim(args, "", true); };
    for (const char* bad : {"--m 0", "--m -5", "--m 99999999999", "--m 2.5"}) {
        const Outcome r = both(std::string("matmul ") + bad + " --k 64 --n 64");
        EXPECT_EQ(r.status, 2) << bad;
        EXPECT_NE(r.out.find("[1, 4294967295]"), std::string::npos) << bad << "\n" << r.out;
        EXPECT_LT(r.out.size(), 400u) << r.out;
    }
    EXPECT_EQ(tensim(kMatmul + " --batch 0").status, 2);
    // A misspelt --set key names the one it was probably meant to be.
    const Outcome typo = both(kMatmul + " --set tensix.l1_size_kb=512");
    EXPECT_EQ(typo.status, 2);
    EXPECT_NE(typo.out.find("did you mean 'tensix.l1_size_kib'"), std::string::npos) << typo.out;
    EXPECT_EQ(tensim(kMatmul + " --set dram.read_latency_cycles=-6").status, 2);
}

// Round 14 probe: a malformed --expect-cycles was read only after the run it judged (the matmul
// ran, printed its table, then exit 2); negative or NaN host times made llm's totals wrong.
TEST(Cli, MalformedValuesAreRefusedBeforeTheRun) {
    const Outcome e = tensim(kMatmul + " --expect-cycles abc", "", true);
    EXPECT_EQ(e.status, 2) << e.out;
    EXPECT_NE(e.out.find("expected N or N+-P%"), std::string::npos) << e.out;
    EXPECT_EQ(e.out.find("device cycles"), std::string::npos) << e.out;
    for (const char* bad :
         {"--gap-us -5", "--gap-us nan", "--gap-us inf", "--host-ms -1", "--host-ms inf",
          "--host-dispatch-us -1", "--host-dispatch-us 1e999", "--d2h-gbps 0", "--d2h-gbps inf"}) {
        const Outcome r = tensim(std::string("llm --model llama-3.2-1b ") + bad, "", true);
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.out;
        EXPECT_EQ(r.out.find("simulating"), std::string::npos) << bad << "\n" << r.out;
        EXPECT_LT(r.out.size(), 400u) << r.out;  // no 309-digit bound
    }
}

// --expect-cycles and --min-pcc: exit 0 when met, 1 when missed, 2 when malformed; the expected
// cycles come from a first run of the same matmul.
TEST(Cli, ExpectationsFailTheRunWhenMissed) {
    const std::string mm = "matmul --m 64 --k 64 --n 64 --numerics fast";
    const Outcome first = tensim(mm + " --json");
    ASSERT_EQ(first.status, 0) << first.out;
    const uint64_t c = json::parse(first.out).at("device_cycles").get<uint64_t>();
    const uint64_t off = c * 11 / 10;  // 10% above what the run takes
    auto status = [&](const std::string& flags) { return tensim(mm + " " + flags).status; };
    EXPECT_EQ(status("--expect-cycles " + std::to_string(c)), 0);
    EXPECT_EQ(status("--expect-cycles " + std::to_string(c + 1)), 1);
    EXPECT_EQ(status("--expect-cycles " + std::to_string(off) + "+-15%"), 0);
    EXPECT_EQ(status("--expect-cycles " + std::to_string(off) + "+-5%"), 1);
    EXPECT_EQ(status("--expect-cycles '" + std::to_string(off) + "±15%'"), 0);
    EXPECT_EQ(status("--expect-cycles abc"), 2);
    EXPECT_EQ(status("--min-pcc 0.99"), 0);
    EXPECT_EQ(status("--min-pcc 1"), 1);  // bf16 outputs never reach the fp64 reference exactly
    EXPECT_EQ(tensim("matmul --m 64 --k 64 --n 64 --numerics timing --min-pcc 0.5").status, 1);
}
