// `tensim llm`: one decode step or one prefill of a model (tensim::models::run_model) on the
// simulated system: the per-op table of one layer, the layer and model times and the serving
// figures, or one JSON object with them (so `tensim sweep` can vary batch and context).
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/models/model.hpp"
#include "tensim/models/tp.hpp"
#include "tensim/scaleout.hpp"

namespace tensim::cli::llm_cmd {

namespace {

struct Options {
    std::string model, mode = "decode", numerics = "timing";
    uint32_t batch = 32, seq_len = 128, kv_len = 0, layers = 0, tp = 1, seed = 0;
    double gap_us = models::kDefaultGapUs, host_ms = 0;
    double host_dispatch_us = models::kHostDispatchUs;
    double d2h_gbps = models::kD2HReadGBps;
    bool skip_missing = false, trace_prefill = false, host_overlap = false;
    Common common;
    Mpi mpi;
};
Options g_opt;

// One op's row; host_us is its host dispatch (0 when the step is traced).
nlohmann::ordered_json op_json(const models::OpRecord& r, double host_us) {
    return {{"op", r.label},
            {"ttnn_op", r.op},
            {"program", r.program},
            {"cores", r.cores},
            {"device_us", r.device_us},
            {"share", r.share},
            {"fpu_util", r.fpu_util},
            {"dram_gbps", r.dram_gbps},
            {"bound", r.bound},
            {"host_dispatch_us", host_us},
            {"missing", r.missing}};
}

void print_ops(const std::vector<models::OpRecord>& ops) {
    std::cout << fmt::format("  {:<28} {:>5} {:>10} {:>6} {:>6} {:>8}  {:<8} {}\n", "op", "cores",
                             "us", "share", "FPU", "DRAM GB/s", "bound", "program");
    for (const auto& r : ops)
        std::cout << fmt::format(
            "  {:<28} {:>5} {:>10.2f} {:>5.1f}% {:>5.1f}% {:>8.1f}  {:<8} {}\n", r.label, r.cores,
            r.device_us, 100 * r.share, 100 * r.fpu_util, r.dram_gbps, r.bound,
            r.missing ? r.note : r.program);
}

int run_one(Options& o) {
    o.mpi.start(o.common, o.numerics);
    o.common.apply_system();
    tensim::set_numerics(o.numerics);
    models::ModelConfig cfg;
    models::ModelOptions mo;
    as_usage([&] {
        cfg = models::find_model(o.model);
        mo.shape.mode = models::parse_mode(o.mode);
    });
    const bool decode = mo.shape.mode == models::Mode::decode;
    mo.shape.batch = decode ? o.batch : 1;
    mo.shape.seq_len = o.seq_len;
    mo.shape.kv_len = o.kv_len ? o.kv_len : o.seq_len;  // decode right after the prompt
    mo.shape.tp = o.tp;
    mo.layers = o.layers, mo.seed = o.seed, mo.gap_us = o.gap_us, mo.host_ms = o.host_ms;
    mo.host_dispatch_us = o.host_dispatch_us, mo.trace_prefill = o.trace_prefill;
    mo.host_overlap = o.host_overlap, mo.d2h_gbps = o.d2h_gbps;
    mo.missing = o.skip_missing ? models::MissingOps::skip : models::MissingOps::refuse;
    mo.check_pcc = o.numerics != "timing";
    const bool human = !o.common.json_on_stdout();
    mo.on_progress = [&](const std::string& what, size_t i, size_t n) {
        if (human) std::cerr << fmt::format("llm: simulating {} ({}/{})\n", what, i + 1, n);
    };
    models::ModelRun r;
    double clock_mhz = 0;   // of the chip, for device_cycles (one chip only)
    if (mo.shape.tp > 1) {  // over a chain of the system's chips (tensim/models/tp.hpp)
        r = as_usage([&] { return models::run_tp_model_on_system(cfg, mo); });
    } else {
        tt::tt_metal::IDevice* device = tt::tt_metal::CreateDevice(0);
        try {
            r = as_usage([&] { return models::run_model(device, cfg, mo); });
            clock_mhz = tensim::last_program_stats(device).clock_mhz;
        } catch (...) {
            tt::tt_metal::CloseDevice(device);
            throw;
        }
        tt::tt_metal::CloseDevice(device);
    }

    // Host dispatch per op of this step (untraced prefill), and the TTFT it is a share of.
    const double host_us = decode || mo.trace_prefill ? 0.0 : mo.host_dispatch_us;
    const double step_us = r.ttft_ms * 1e3;
    nlohmann::ordered_json j = {
        {"model", cfg.name},
        {"system", tensim::system_name()},
        {"mode", o.mode},
        {"batch", mo.shape.batch},
        {"seq_len", mo.shape.seq_len},
        {"kv_len", decode ? nlohmann::ordered_json(mo.shape.kv_len) : nullptr},
        {"tp", mo.shape.tp},
        {"numerics", o.numerics},
        {"layers", r.layers},
        {"layers_simulated", r.groups.size()},
        {"layer_us", r.groups.front().run.device_us},
        {"layers_us", r.layers_us},
        {"head_us", r.head_us},
        {"device_us", r.device_us},
        // The step's device time in chip cycles (--expect-cycles); none over several chips.
        {"device_cycles",
         clock_mhz > 0 ? nlohmann::ordered_json(std::llround(r.device_us * clock_mhz)) : nullptr},
        {"ops_per_step", r.ops_per_step},
        {"gap_us", mo.gap_us},
        {"gaps_us", r.gaps_us},
        {"host_dispatch_us", host_us},
        {"dispatch_us", r.dispatch_us},
        {"dispatch_share", decode ? nullptr : nlohmann::ordered_json(r.dispatch_us / step_us)},
        {"host_sampling_us", decode ? nlohmann::ordered_json(r.host_sampling_us) : nullptr},
        {"device_tokens_per_s_per_user",
         decode ? nlohmann::ordered_json(r.device_tokens_per_s_per_user) : nullptr},
        {"tokens_per_s_per_user",
         decode ? nlohmann::ordered_json(r.tokens_per_s_per_user) : nullptr},
        {"ttft_ms", decode ? nullptr : nlohmann::ordered_json(r.ttft_ms)},
        {"prefill_tokens_per_s", decode ? nullptr : nlohmann::ordered_json(r.prefill_tokens_per_s)},
        {"complete", r.complete()},
        {"missing_ops", r.missing},
        {"pcc",
         r.groups.front().run.pcc ? nlohmann::ordered_json(*r.groups.front().run.pcc) : nullptr},
        {"layer_wall_s", r.groups.front().run.wall_s},
        {"wall_s", r.wall_s}};
    if (mo.shape.tp > 1) j["timing"] = models::kTpTimingNote;
    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const auto& op : r.groups.front().run.ops) ops.push_back(op_json(op, host_us));
    j["ops"] = ops;
    nlohmann::ordered_json head = nlohmann::ordered_json::array();
    for (const auto& op : r.head) head.push_back(op_json(op, host_us));
    j["head_ops"] = head;
    o.common.emit_json(j);
    if (!human) return kOk;

    const auto& l = r.groups.front();
    std::cout << fmt::format("{} {} on {}: batch {}, {} {} (tp {}), {} numerics\n", cfg.name,
                             o.mode, tensim::system_name(), mo.shape.batch,
                             decode ? "kv length" : "prompt",
                             decode ? mo.shape.kv_len : mo.shape.seq_len, mo.shape.tp, o.numerics);
    std::cout << fmt::format("one layer (layer {}; {}):\n", l.first, l.precision.describe());
    print_ops(l.run.ops);
    std::cout << fmt::format("  layer device time {:.2f} us (simulated in {:.1f} s)\n",
                             l.run.device_us, l.run.wall_s);
    for (const auto& g : r.groups)
        std::cout << fmt::format("layers {}-{}: {:.2f} us each, simulated once, counted {} times\n",
                                 g.first, g.first + g.count - 1, g.run.device_us, g.count);
    std::cout << "head (embedding, final norm, LM head, sampling):\n";
    print_ops(r.head);
    std::cout << fmt::format(
        "model: {} layers {:.1f} us + head {:.1f} us = {:.1f} us device; "
        "{} ops x {:.2f} us gap = {:.1f} us\n",
        r.layers, r.layers_us, r.head_us, r.device_us, r.ops_per_step, mo.gap_us, r.gaps_us);
    std::cout << fmt::format("  gap model: {}\n", models::kGapSource);
    if (!decode)
        std::cout << fmt::format(
            "  host dispatch: {} ops x {:.2f} us, {:.1f} us {}, {:.1f}% of the TTFT ({})\n",
            r.ops_per_step, host_us, r.dispatch_us,
            mo.host_overlap ? "waited for (host runs ahead)" : "in series",
            100 * r.dispatch_us / step_us,
            mo.trace_prefill ? "prefill traced: none" : models::kHostDispatchSource);
    if (decode && r.host_sampling_us > 0)
        std::cout << fmt::format("  host sampling: {:.1f} us per step, in series ({})\n",
                                 r.host_sampling_us, models::kHostSamplingSource);
    if (decode)
        std::cout << fmt::format(
            "  device_tokens_per_s_per_user {:.2f}\n  tokens_per_s_per_user "
            "{:.2f}\n",
            r.device_tokens_per_s_per_user, r.tokens_per_s_per_user);
    else
        std::cout << fmt::format(
            "  ttft_ms {:.2f} (logits read over PCIe {:.2f} ms, host time {:.1f} ms added)\n  "
            "prefill_tokens_per_s {:.1f}\n",
            r.ttft_ms, r.readback_us / 1e3, mo.host_ms, r.prefill_tokens_per_s);
    if (l.run.pcc)
        std::cout << fmt::format("  layer PCC {:.5f} vs the fp64 reference\n", *l.run.pcc);
    if (!r.complete())
        std::cout << fmt::format("  PARTIAL: ops not built yet were skipped (0 us): {}\n",
                                 fmt::join(r.missing, ", "));
    if (mo.shape.tp > 1) std::cout << fmt::format("  timing: {}\n", models::kTpTimingNote);
    std::cout << fmt::format("  wall {:.1f} s\n", r.wall_s);
    return kOk;
}

}  // namespace

void add(CLI::App& cmd) {
    Options& o = g_opt;
    cmd.add_option("--model", o.model,
                   "Preset (llama-3.1-8b, ...), alias (llama_3.1_8b) or a "
                   "config.json")
        ->required();
    cmd.add_option("--mode", o.mode, "decode or prefill")
        ->check(CLI::IsMember({"decode", "prefill"}));
    cmd.add_option("--batch", o.batch, "Decode: users (1-32)")->check(CLI::Range(1, 32));
    cmd.add_option("--seq-len", o.seq_len, "Prompt tokens (prefill: a multiple of 32)")
        ->check(whole<uint32_t>());
    cmd.add_option("--kv-len", o.kv_len, "Decode: tokens already cached (default: --seq-len)");
    cmd.add_option("--layers", o.layers, "Layers to count (default: all of the model's)");
    cmd.add_option("--tp", o.tp, "Tensor-parallel chips (2: n300, 8: t3000; models/tp.hpp)");
    cmd.add_option("--gap-us", o.gap_us, "Dispatch gap between two ops, us")->check(number_from(0));
    cmd.add_option("--host-ms", o.host_ms, "Host time added to the time to first token, ms")
        ->check(number_from(0));
    cmd.add_option("--host-dispatch-us", o.host_dispatch_us,
                   "Host dispatch of each untraced (prefill) op, us")
        ->check(number_from(0));
    cmd.add_option("--d2h-gbps", o.d2h_gbps,
                   "Device-to-host read rate of the logits (host sampling, batch > 1), GB/s")
        ->check(number_from(0, true));
    cmd.add_flag("--trace-prefill", o.trace_prefill,
                 "Prefill runs from a trace, as decode: no host dispatch per op");
    cmd.add_flag("--host-overlap", o.host_overlap,
                 "The host runs ahead of the device: charge only the dispatch it waits for");
    cmd.add_option("--seed", o.seed, "Seed of the random weights and inputs");
    cmd.add_flag("--skip-missing", o.skip_missing,
                 "Run the ops that exist and list the others (timing numerics; a partial layer)");
    cmd.add_option("--numerics", o.numerics,
                   "timing (default), faithful or fast (then each layer's PCC is checked)")
        ->check(CLI::IsMember({"faithful", "fast", "timing"}));
    o.common.add_to(cmd);
    o.mpi.add_to(cmd);
}

int run(CLI::App&) { return run_one(g_opt); }

}  // namespace tensim::cli::llm_cmd
