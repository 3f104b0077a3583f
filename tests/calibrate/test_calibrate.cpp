// `tensim calibrate` on a small synthetic case file: parsing, which cases run and which are
// skipped (and why), the summary statistics on known numbers, and the JSON / CSV shapes. The
// predicted values themselves are the model's business; only their plumbing is checked here.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tensim/calibrate.hpp"
#include "tensim/error.hpp"

using namespace tensim::calibrate;
using nlohmann::json;

namespace {

json make_case(const std::string& id, const std::string& kind, json params,
               const std::string& metric, double measured) {
    return {{"id", id},
            {"kind", kind},
            {"system", "wormhole_b0"},
            {"params", std::move(params)},
            {"metric", metric},
            {"measured", measured},
            {"measured_kind", "mean"},
            {"source", "synthetic"},
            {"notes", "test case"}};
}

// A multi-core matmul case as the public files write them: bf16, HiFi2, DRAM interleaved,
// defaults for the accumulation flags.
json matmul_params(int m, int k, int n, int gx, int gy) {
    return {{"M", m},
            {"K", k},
            {"N", n},
            {"in0_dtype", "bfloat16"},
            {"in1_dtype", "bfloat16"},
            {"out_dtype", "bfloat16"},
            {"math_fidelity", "HiFi2"},
            {"grid_x", gx},
            {"grid_y", gy},
            {"in0_mem", "dram_interleaved"},
            {"in1_mem", "dram_interleaved"},
            {"out_mem", "dram_interleaved"},
            {"fp32_dest_acc", nullptr},
            {"packer_l1_acc", nullptr},
            {"program", "2d_mcast"}};
}

// One case per simulated kind (some twice, to reach defaults and other code paths), cases the
// simulator cannot express, and kinds it does not simulate.
json synthetic_cases() {
    json cases = json::array();
    cases.push_back(make_case("lat_read_l1", "noc_latency",
                              {{"direction", "read"},
                               {"memory", "l1"},
                               {"transaction_bytes", 64},
                               {"num_transactions", 1},
                               {"same_axis", true}},
                              "latency_cycles", 205));
    cases.push_back(make_case("xfer_one_to_one", "noc_transfer",
                              {{"pattern", "one_to_one"},
                               {"cores", 1},
                               {"transaction_bytes", 2048},
                               {"num_transactions", 16},
                               {"noc", 0},
                               {"linked", false}},
                              "bytes_per_cycle", 29));
    cases.push_back(make_case("xfer_mcast_sweep", "noc_transfer",
                              {{"pattern", "one_to_all_multicast"},
                               {"cores", 8},
                               {"transaction_bytes", nullptr},
                               {"num_transactions", nullptr},
                               {"noc", nullptr},
                               {"linked", true}},
                              "bytes_per_cycle", 15));
    cases.push_back(make_case("dram_rd_careful", "dram_read",
                              {{"dram_channels", 2},
                               {"cores", 4},
                               {"noc", 1},
                               {"vc", "dynamic"},
                               {"bytes_per_core", 65536},
                               {"transaction_bytes", nullptr},
                               {"core_placement", "careful"}},
                              "gbytes_per_s", 44));
    cases.push_back(make_case("dram_rd_total", "dram_read",
                              {{"dram_channels", 2},
                               {"cores", nullptr},
                               {"noc", nullptr},
                               {"vc", nullptr},
                               {"bytes_per_core", nullptr},
                               {"transaction_bytes", nullptr},
                               {"core_placement", nullptr},
                               {"total_bytes", 2 * 36864}},
                              "gbytes_per_s", 40));
    cases.push_back(make_case("dram_wr_random", "dram_write",
                              {{"dram_channels", 2},
                               {"cores", 2},
                               {"noc", 0},
                               {"vc", "dynamic"},
                               {"bytes_per_core", 32768},
                               {"transaction_bytes", 4096},
                               {"core_placement", "random"}},
                              "gbytes_per_s", 40));
    cases.push_back(make_case("sfpu_gelu", "sfpu",
                              {{"op", "gelu_appx"},
                               {"approx", false},
                               {"fp32_dest_acc", false},
                               {"in_dtype", "bfloat16"},
                               {"out_dtype", "bfloat16"},
                               {"scope", "math_only"},
                               {"tiles_per_loop_inferred", 16}},
                              "cycles", 4096));
    cases.push_back(make_case("mm_spill", "matmul_single_core",
                              {{"M", 64},
                               {"N", 64},
                               {"K_per_block", 64},
                               {"num_blocks", 2},
                               {"in0_dtype", "bfloat16"},
                               {"in1_dtype", "bfloat16"},
                               {"out_dtype", "bfloat16"},
                               {"math_fidelity", "HiFi4"},
                               {"out_subblock_h", 2},
                               {"out_subblock_w", 2},
                               {"fp32_dest_acc", false},
                               {"packer_l1_acc", false},
                               {"inputs", "l1_resident"}},
                              "cycles", 2000));
    cases.push_back(make_case("mm_l1acc_fp32", "matmul_single_core",
                              {{"M", 64},
                               {"N", 64},
                               {"K_per_block", 32},
                               {"num_blocks", 3},
                               {"in0_dtype", "bfloat8_b"},
                               {"in1_dtype", "bfloat8_b"},
                               {"out_dtype", "bfloat16"},
                               {"math_fidelity", "LoFi"},
                               {"out_subblock_h", 2},
                               {"out_subblock_w", 2},
                               {"fp32_dest_acc", true},
                               {"packer_l1_acc", true},
                               {"inputs", "l1_resident"}},
                              "cycles", 1000));
    // Not expressible.
    cases.push_back(make_case("dram_workload", "dram_read",
                              {{"dram_channels", 12},
                               {"cores", nullptr},
                               {"noc", nullptr},
                               {"vc", nullptr},
                               {"bytes_per_core", nullptr},
                               {"transaction_bytes", nullptr},
                               {"core_placement", nullptr},
                               {"workload", "matmul_dram_interleaved_weights"}},
                              "gbytes_per_s", 190));
    cases.push_back(make_case("dram_no_size", "dram_write",
                              {{"dram_channels", 1},
                               {"cores", 1},
                               {"noc", 0},
                               {"vc", nullptr},
                               {"bytes_per_core", nullptr},
                               {"transaction_bytes", nullptr},
                               {"core_placement", nullptr}},
                              "gbytes_per_s", 20));
    cases.push_back(make_case("sfpu_no_tiles", "sfpu",
                              {{"op", "tanh"},
                               {"approx", true},
                               {"fp32_dest_acc", false},
                               {"in_dtype", "bfloat16"},
                               {"out_dtype", "bfloat16"},
                               {"scope", "math_only"}},
                              "cycles", 5000));
    cases.push_back(make_case("mm_subblock_too_big", "matmul_single_core",
                              {{"M", 128},
                               {"N", 128},
                               {"K_per_block", 32},
                               {"num_blocks", 1},
                               {"in0_dtype", "bfloat16"},
                               {"in1_dtype", "bfloat16"},
                               {"out_dtype", "bfloat16"},
                               {"math_fidelity", "HiFi2"},
                               {"out_subblock_h", 4},
                               {"out_subblock_w", 4},
                               {"fp32_dest_acc", false},
                               {"packer_l1_acc", false},
                               {"inputs", "l1_resident"}},
                              "cycles", 1000));
    cases.push_back(make_case("mm_multicore", "matmul", matmul_params(256, 256, 256, 2, 2),
                              "device_time_us", 10));
    cases.push_back(make_case("mm_huge", "matmul", matmul_params(16384, 16384, 16384, 8, 8),
                              "device_time_us", 94069));
    cases.push_back(make_case("mm_grid_too_big", "matmul", matmul_params(256, 256, 256, 16, 16),
                              "device_time_us", 10));
    // Raw ERISC paths over an n300 link; the fabric path is skipped with its reason.
    cases.push_back(make_case("eth_ping", "eth_latency",
                              {{"packet_bytes", 1024},
                               {"num_packets", 1},
                               {"path", "erisc_to_erisc"},
                               {"latency_type", "sender_measured"},
                               {"hops", 1}},
                              "latency_ns", 1245));
    cases.push_back(make_case("eth_stream", "eth_transfer",
                              {{"packet_bytes", 4096},
                               {"num_packets", 32},
                               {"num_buffer_slots", 4},
                               {"direction", "uni"},
                               {"path", "erisc_to_erisc"},
                               {"num_links", 1}},
                              "gbytes_per_s", 11.8));
    cases.push_back(make_case("eth_fabric", "eth_latency",
                              {{"packet_bytes", 0},
                               {"num_packets", 1},
                               {"path", "fabric_1d"},
                               {"latency_type", "per_hop"}},
                              "latency_ns", 711));
    // A collective on a one-chip system.
    cases.push_back(make_case("allgather", "ccl", {{"op", "all_gather"}, {"num_devices", 2}},
                              "device_time_us", 89.2));
    return cases;
}

// A directory of this process's own, removed at exit.
const std::filesystem::path& temp_dir() {
    struct Dir {
        std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("tensim_test_calibrate_" + std::to_string(::getpid()));
        Dir() { std::filesystem::create_directories(path); }
        ~Dir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static Dir dir;
    return dir.path;
}

std::string temp_file(const std::string& name, const std::string& text) {
    auto path = temp_dir() / name;
    std::ofstream(path) << text;
    return path.string();
}

const Result& find(const std::vector<Result>& rs, const std::string& id) {
    for (const auto& r : rs)
        if (r.id == id) return r;
    throw std::runtime_error("no result " + id);
}

bool any_note_has(const Result& r, const std::string& text) {
    for (const auto& n : r.notes)
        if (n.find(text) != std::string::npos) return true;
    return false;
}

Result simulated(const std::string& id, const std::string& kind, double measured,
                 double predicted) {
    Result r{.id = id, .kind = kind, .metric = "cycles", .measured = measured};
    r.predicted = predicted;
    r.error_pct = (predicted / measured - 1) * 100;
    return r;
}

}  // namespace

TEST(CalibrateParse, ReadsEveryCaseWithItsFields) {
    const std::string file = temp_file("cases.json", synthetic_cases().dump(2));
    const std::vector<Case> cases = load_cases(file);
    ASSERT_EQ(cases.size(), synthetic_cases().size());
    EXPECT_EQ(cases[0].id, "lat_read_l1");
    EXPECT_EQ(cases[0].kind, "noc_latency");
    EXPECT_EQ(cases[0].metric, "latency_cycles");
    EXPECT_EQ(cases[0].system, "wormhole_b0");
    EXPECT_EQ(cases[0].measured_kind, "mean");
    EXPECT_DOUBLE_EQ(cases[0].measured, 205);
    EXPECT_EQ(cases[0].params.at("transaction_bytes"), 64);
    EXPECT_EQ(cases[0].file, file);
    EXPECT_TRUE(cases[2].params.at("transaction_bytes").is_null());
}

TEST(CalibrateParse, MalformedFilesAreConfigErrors) {
    EXPECT_THROW(load_cases(temp_file("bad.json", "{not json")), tensim::ConfigError);
    EXPECT_THROW(parse_cases(json::object(), "x"), tensim::ConfigError);
    json no_id = json::array({make_case("a", "sfpu", json::object(), "cycles", 1)});
    no_id[0].erase("id");
    EXPECT_THROW(parse_cases(no_id, "x"), tensim::ConfigError);
    json text_measured = json::array({make_case("a", "sfpu", json::object(), "cycles", 1)});
    text_measured[0]["measured"] = "12";
    EXPECT_THROW(parse_cases(text_measured, "x"), tensim::ConfigError);
    json list_params = json::array({make_case("a", "sfpu", json::array(), "cycles", 1)});
    EXPECT_THROW(parse_cases(list_params, "x"), tensim::ConfigError);
}

TEST(CalibrateRun, SimulatesEachKindAndSkipsWhatItCannotExpress) {
    const std::vector<Case> cases = parse_cases(synthetic_cases(), "synthetic");
    std::vector<std::string> seen;
    const std::vector<Result> rs =
        run_cases(cases, {.numerics = "timing"}, [&](const Result& r) { seen.push_back(r.id); });
    ASSERT_EQ(rs.size(), cases.size());
    ASSERT_EQ(seen.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(rs[i].id, cases[i].id) << "results keep the input order";
        EXPECT_EQ(seen[i], cases[i].id);
        EXPECT_EQ(rs[i].kind, cases[i].kind);
        EXPECT_DOUBLE_EQ(rs[i].measured, cases[i].measured);
    }

    for (const char* id :
         {"lat_read_l1", "xfer_one_to_one", "xfer_mcast_sweep", "dram_rd_careful", "dram_rd_total",
          "dram_wr_random", "sfpu_gelu", "mm_spill", "mm_l1acc_fp32", "mm_multicore"}) {
        const Result& r = find(rs, id);
        ASSERT_FALSE(r.skipped()) << id << ": " << r.skip_reason;
        ASSERT_TRUE(r.predicted && r.error_pct) << id;
        EXPECT_GT(*r.predicted, 0) << id;
        EXPECT_NEAR(*r.error_pct, (*r.predicted / r.measured - 1) * 100, 1e-9) << id;
    }
    // Every simulated kind is covered.
    std::map<std::string, int> simulated;
    for (const auto& r : rs)
        if (!r.skipped()) simulated[r.kind]++;
    for (const auto& k : simulated_kinds())
        // The LLM kinds have their own test (test_calibrate_llm.cpp); ccl cases need a multi-chip
        // system (tests/ops/test_ccl_op.cpp runs the collectives).
        if (k != "llm_e2e" && k != "llm_op" && k != "model_device" && k != "ccl") {
            EXPECT_GT(simulated[k], 0) << k;
        }

    // Defaults and unmodelled parameters are reported, not hidden.
    EXPECT_TRUE(any_note_has(find(rs, "xfer_mcast_sweep"), "sweep"))
        << "null transaction size: a sweep";
    EXPECT_TRUE(any_note_has(find(rs, "xfer_mcast_sweep"), "linked"));
    EXPECT_TRUE(any_note_has(find(rs, "xfer_mcast_sweep"), "noc: 0"));
    EXPECT_TRUE(any_note_has(find(rs, "dram_rd_careful"), "vc: dynamic has no effect on reads"));
    EXPECT_TRUE(any_note_has(find(rs, "dram_rd_total"), "bytes_per_core: 36864"));
    EXPECT_TRUE(any_note_has(find(rs, "dram_rd_total"), "cores: 2"));
    EXPECT_TRUE(any_note_has(find(rs, "dram_wr_random"), "seed"));
    EXPECT_TRUE(any_note_has(find(rs, "mm_l1acc_fp32"), "accumulated by the packer"));
    EXPECT_TRUE(any_note_has(find(rs, "mm_spill"), "spilled and reloaded"));
    // The multi-core matmul ran on the case's grid, with the op layer's defaults reported.
    EXPECT_TRUE(any_note_has(find(rs, "mm_multicore"), "2d_mcast on 2x2 cores"));
    EXPECT_TRUE(any_note_has(find(rs, "mm_multicore"), "fp32_dest_acc: false (not stated"));
    // 8 K tiles in steps of 4 (K / grid columns): two K blocks, so the default turns it off.
    EXPECT_TRUE(
        any_note_has(find(rs, "mm_multicore"), "packer_l1_acc: off (not stated; op layer default"));

    // What cannot be expressed is listed with the reason.
    auto reason = [&](const std::string& id) {
        const Result& r = find(rs, id);
        EXPECT_TRUE(r.skipped()) << id;
        EXPECT_FALSE(r.predicted.has_value()) << id;
        EXPECT_FALSE(r.error_pct.has_value()) << id;
        return r.skip_reason;
    };
    EXPECT_NE(reason("dram_workload").find("class of ops"), std::string::npos);
    EXPECT_NE(reason("dram_no_size").find("bytes_per_core"), std::string::npos);
    EXPECT_NE(reason("sfpu_no_tiles").find("tiles"), std::string::npos);
    EXPECT_NE(reason("mm_subblock_too_big").find("Dst"), std::string::npos);
    EXPECT_EQ(reason("mm_huge"), large_matmul_reason());
    EXPECT_NE(reason("mm_huge").find("--include-large"), std::string::npos);
    EXPECT_NE(reason("mm_grid_too_big").find("grid"), std::string::npos);
    // A collective needs a system with a fabric (this synthetic case names one chip).
    EXPECT_NE(reason("allgather").find("has no fabric"), std::string::npos);
    EXPECT_NE(reason("eth_fabric").find("fabric"), std::string::npos);
    // A stream cannot beat the line rate less its framing (wormhole_b0.json eth: 12.5 B/cycle,
    // 50 B per packet of at most 1500 B).
    EXPECT_LT(*find(rs, "eth_stream").predicted, 12.5 * 1500 / (1500 + 50));
    EXPECT_GT(*find(rs, "eth_stream").predicted, 0.5 * 12.5);
}

TEST(CalibrateSummary, PercentilesInterpolateBetweenRanks) {
    EXPECT_DOUBLE_EQ(percentile({}, 50), 0);
    EXPECT_DOUBLE_EQ(percentile({7}, 90), 7);
    EXPECT_DOUBLE_EQ(percentile({40, 0, 20, 5, 10}, 50), 10);
    EXPECT_DOUBLE_EQ(percentile({40, 0, 20, 5, 10}, 90), 32);  // rank 3.6: 20 + 0.6 * 20
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 50), 2.5);
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 100), 4);
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0), 1);
}

TEST(CalibrateSummary, PerKindAndOverallOnAbsoluteErrors) {
    std::vector<Result> rs;
    // |errors| of kind sfpu: 10, 20, 5, 40, 0; of noc_latency: 100.
    for (double e : {-10.0, 20.0, 5.0, -40.0, 0.0})
        rs.push_back(simulated("s" + std::to_string(rs.size()), "sfpu", 100, 100 + e));
    rs.push_back(simulated("n", "noc_latency", 50, 100));
    Result skipped{.id = "m", .kind = "matmul", .metric = "device_time_us", .measured = 3};
    skipped.skip_reason = "not simulated";
    rs.push_back(skipped);

    const std::vector<Summary> s = summarize(rs);
    ASSERT_EQ(s.size(), 4u);
    // Simulated kinds in report order, then the rest, then overall.
    EXPECT_EQ(s[0].kind, "noc_latency");
    EXPECT_EQ(s[1].kind, "sfpu");
    EXPECT_EQ(s[2].kind, "matmul");
    EXPECT_EQ(s[3].kind, "overall");
    EXPECT_EQ(s[0].count, 1u);
    EXPECT_NEAR(s[0].median_abs_error_pct, 100, 1e-9);
    EXPECT_EQ(s[1].count, 5u);
    EXPECT_NEAR(s[1].median_abs_error_pct, 10, 1e-9);
    EXPECT_NEAR(s[1].p90_abs_error_pct, 32, 1e-9);
    EXPECT_EQ(s[2].count, 0u);
    EXPECT_EQ(s[2].skipped, 1u);
    // Overall |errors| 0, 5, 10, 20, 40, 100: median 15, p90 at rank 4.5: 70.
    EXPECT_EQ(s[3].count, 6u);
    EXPECT_EQ(s[3].skipped, 1u);
    EXPECT_NEAR(s[3].median_abs_error_pct, 15, 1e-9);
    EXPECT_NEAR(s[3].p90_abs_error_pct, 70, 1e-9);

    const std::string text = format_summary(s);
    EXPECT_NE(text.find("sfpu"), std::string::npos);
    EXPECT_NE(text.find("overall"), std::string::npos);
    EXPECT_NE(text.find("(1 skipped)"), std::string::npos);
}

TEST(CalibrateOutput, JsonAndCsvShapes) {
    std::vector<Result> rs = {simulated("a", "sfpu", 100, 110), simulated("b", "sfpu", 200, 150)};
    rs[0].notes = {"one note", "another"};
    Result skipped{.id = "c,d", .kind = "ccl", .metric = "device_time_us", .measured = 3};
    skipped.skip_reason = "not simulated, \"yet\"";
    rs.push_back(skipped);

    const json j = json::parse(to_json(rs).dump());
    ASSERT_TRUE(j.contains("cases"));
    ASSERT_TRUE(j.contains("summary"));
    ASSERT_EQ(j["cases"].size(), 3u);
    for (const auto& c : j["cases"])
        for (const char* key :
             {"id", "kind", "measured", "predicted", "error_pct", "metric", "status", "notes"})
            EXPECT_TRUE(c.contains(key)) << key;
    EXPECT_EQ(j["cases"][0]["id"], "a");
    EXPECT_EQ(j["cases"][0]["status"], "simulated");
    EXPECT_NEAR(j["cases"][0]["error_pct"].get<double>(), 10, 1e-9);
    EXPECT_NEAR(j["cases"][1]["predicted"].get<double>(), 150, 1e-9);
    EXPECT_EQ(j["cases"][0]["notes"].size(), 2u);
    EXPECT_TRUE(j["cases"][2]["predicted"].is_null());
    EXPECT_TRUE(j["cases"][2]["error_pct"].is_null());
    EXPECT_EQ(j["cases"][2]["status"], "skipped");
    EXPECT_EQ(j["cases"][2]["reason"], "not simulated, \"yet\"");
    const json& sum = j["summary"];
    EXPECT_EQ(sum["kinds"]["sfpu"]["count"], 2);
    EXPECT_NEAR(sum["kinds"]["sfpu"]["median_abs_error_pct"].get<double>(), 17.5, 1e-9);
    EXPECT_NEAR(sum["kinds"]["sfpu"]["p90_abs_error_pct"].get<double>(), 23.5,
                1e-9);  // 10 + 0.9 * 15
    EXPECT_EQ(sum["kinds"]["ccl"]["count"], 0);
    EXPECT_EQ(sum["kinds"]["ccl"]["skipped"], 1);
    EXPECT_TRUE(sum["kinds"]["ccl"]["median_abs_error_pct"].is_null());
    EXPECT_EQ(sum["overall"]["count"], 2);
    EXPECT_EQ(sum["overall"]["skipped"], 1);

    const std::string csv = to_csv(rs);
    std::istringstream lines(csv);
    std::vector<std::string> rows;
    for (std::string l; std::getline(lines, l);) rows.push_back(l);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0], "id,kind,metric,measured,predicted,error_pct,status,detail");
    EXPECT_EQ(rows[1], "a,sfpu,cycles,100,110,10.00,simulated,one note; another");
    EXPECT_EQ(rows[3], "\"c,d\",ccl,device_time_us,3,,,skipped,\"not simulated, \"\"yet\"\"\"");

    // The printed table names every case and shows the skip reason.
    const std::string row = format_row(rs[2], 8);
    EXPECT_NE(row.find("skipped: not simulated"), std::string::npos);
    EXPECT_NE(format_row(rs[0], 8).find("+10.0%"), std::string::npos);
}

// The command line runs the built binary: files in, JSON and CSV out, exit status 0.
int run_tensim(const std::string& args) {
    const int status =
        std::system((std::string(TENSIM_BIN_DIR) + "/tensim " + args + " >/dev/null").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CalibrateCli, WritesJsonAndCsvAndExitsZero) {
    json cases = json::array();
    cases.push_back(synthetic_cases()[0]);
    cases.push_back(synthetic_cases()[synthetic_cases().size() - 1]);
    const std::string in = temp_file("cli_cases.json", cases.dump());
    const std::string out_json = temp_file("cli_out.json", ""),
                      out_csv = temp_file("cli_out.csv", "");
    ASSERT_EQ(run_tensim("calibrate " + in + " --json " + out_json + " --csv " + out_csv +
                         " --numerics timing"),
              0);
    std::ifstream jf(out_json);
    const json j = json::parse(jf);
    ASSERT_EQ(j["cases"].size(), 2u);
    EXPECT_EQ(j["cases"][0]["status"], "simulated");
    EXPECT_EQ(j["cases"][1]["status"], "skipped");
    EXPECT_EQ(j["summary"]["overall"]["count"], 1);
    std::ifstream cf(out_csv);
    std::string header;
    std::getline(cf, header);
    EXPECT_EQ(header, "id,kind,metric,measured,predicted,error_pct,status,detail");
}

TEST(CalibrateCli, IncludeLargeIsAFlag) {
    const std::string in = temp_file("cli_large.json", json::array({synthetic_cases()[0]}).dump());
    // A flag: the case file after it is still a case file, not its value.
    EXPECT_EQ(run_tensim("calibrate --include-large " + in + " --numerics timing"), 0);
    EXPECT_GT(large_matmul_work(), 8192.0 * 8192 * 8192) << "8192^3 runs by default";
    EXPECT_LT(large_matmul_work(), 16384.0 * 16384 * 16384) << "16384^3 needs the flag";
}
