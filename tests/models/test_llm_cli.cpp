// `tensim llm` as a user runs it: the JSON keys of a decode and a prefill run on a small config
// file, the refusal naming a missing op (exit 1) or a bad option (exit 2), and `tensim sweep`
// varying the command's own options (--over batch=...).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Outcome {
    int status = -1;
    std::string out;
};

Outcome tensim(const std::string& args) {
    const std::string cmd = std::string(TENSIM_BIN_DIR) + "/tensim " + args + " 2>/dev/null";
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
        fs::temp_directory_path() / ("tensim-test-llm-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir / name;
}

std::string tiny_config() {
    const fs::path p = scratch("tiny.json");
    std::ofstream(p) << json{{"model_type", "llama"},    {"hidden_size", 256},
                             {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                             {"num_hidden_layers", 2},   {"vocab_size", 1024},
                             {"intermediate_size", 512}}
                            .dump();
    return p.string();
}

}  // namespace

TEST(LlmCli, JsonKeysOfDecodeAndPrefill) {
    const std::string model = tiny_config();
    const Outcome d =
        tensim("llm --model " + model + " --batch 4 --kv-len 64 --skip-missing --json");
    ASSERT_EQ(d.status, 0) << d.out;
    const json jd = json::parse(d.out);
    EXPECT_GT(jd.at("device_tokens_per_s_per_user").get<double>(),
              jd.at("tokens_per_s_per_user").get<double>());
    EXPECT_TRUE(jd.at("ttft_ms").is_null());
    EXPECT_TRUE(jd.at("prefill_tokens_per_s").is_null());
    ASSERT_TRUE(jd.at("ops").is_array());
    bool qkv = false;
    for (const auto& op : jd.at("ops"))
        if (op.at("op") == "qkv_mm") qkv = op.at("device_us").get<double>() > 0;
    EXPECT_TRUE(qkv);
    EXPECT_EQ(jd.at("complete").get<bool>(), jd.at("missing_ops").empty());
    // Batch 4: the host samples; t/s/u counts device, gaps and the host's part of the step.
    EXPECT_GT(jd.at("host_sampling_us").get<double>(), 0.0);
    EXPECT_NEAR(1e6 / jd.at("tokens_per_s_per_user").get<double>(),
                jd.at("device_us").get<double>() + jd.at("gaps_us").get<double>() +
                    jd.at("host_sampling_us").get<double>(),
                1e-6);

    const Outcome p = tensim("llm --model " + model +
                             " --mode prefill --seq-len 64 "
                             "--skip-missing --json");
    ASSERT_EQ(p.status, 0) << p.out;
    const json jp = json::parse(p.out);
    EXPECT_GT(jp.at("ttft_ms").get<double>(), 0.0);
    EXPECT_GT(jp.at("prefill_tokens_per_s").get<double>(), 0.0);
    EXPECT_TRUE(jp.at("tokens_per_s_per_user").is_null());
    EXPECT_TRUE(jp.at("host_sampling_us").is_null());
    // Untraced prefill: each op's host dispatch, in the step and in every op row.
    const double host = jp.at("host_dispatch_us").get<double>();
    EXPECT_GT(host, 0.0);
    EXPECT_DOUBLE_EQ(jp.at("dispatch_us").get<double>(),
                     host * jp.at("ops_per_step").get<double>());
    EXPECT_DOUBLE_EQ(jp.at("dispatch_share").get<double>(),
                     jp.at("dispatch_us").get<double>() / (jp.at("ttft_ms").get<double>() * 1e3));
    for (const auto& op : jp.at("ops")) EXPECT_DOUBLE_EQ(op.at("host_dispatch_us"), host);
    EXPECT_DOUBLE_EQ(jd.at("dispatch_us").get<double>(), 0.0);  // decode is traced
}

TEST(LlmCli, RefusalsAndBadUsage) {
    const std::string model = tiny_config();
    const Outcome r = tensim("llm --model " + model + " --json");
    const Outcome skip = tensim("llm --model " + model + " --skip-missing --json");
    ASSERT_EQ(skip.status, 0);
    // Without --skip-missing a layer with missing ops fails (exit 1); a complete one runs.
    EXPECT_EQ(r.status, json::parse(skip.out).at("complete").get<bool>() ? 0 : 1);
    EXPECT_EQ(tensim("llm --model no-such-model").status, 2);
    EXPECT_EQ(tensim("llm --model " + model + " --batch 33").status, 2);
    // tp 8 on the one-chip default system is bad usage.
    EXPECT_EQ(tensim("llm --model " + model + " --tp 8 --skip-missing").status, 2);
}

TEST(LlmCli, SweepVariesTheCommandsOptions) {
    const std::string model = tiny_config();
    const fs::path csv = scratch("s.csv");
    const Outcome s = tensim("sweep --over batch=1,4 --over kv-len=32,96 --out " + csv.string() +
                             " -j 1 -- llm --model " + model + " --skip-missing --layers 1");
    ASSERT_EQ(s.status, 0);
    std::ifstream in(csv);
    std::string header, line;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("batch,kv-len,", 0), 0u) << header;
    EXPECT_NE(header.find("tokens_per_s_per_user"), std::string::npos);
    int rows = 0;
    while (std::getline(in, line))
        if (line.find(",ok,") != std::string::npos) ++rows;
    EXPECT_EQ(rows, 4);
    // An option the command already gives cannot also be varied.
    EXPECT_EQ(tensim("sweep --over batch=1,4 --out " + csv.string() + " -- llm --model " + model +
                     " --batch 2")
                  .status,
              2);
}
