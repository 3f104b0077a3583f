// `tensim ccl`: one collective through the op layer (tensim::ops::run_ccl) on a chain of chips of
// a multi-chip system: device time, nccl-tests bus bandwidth and per-link bandwidth, and (unless
// numerics are `timing`) the largest difference from the host reference.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"
#include "tensim/scaleout.hpp"

namespace tensim::cli::ccl_cmd {

namespace {

struct Options {
    std::string op, topology = "line", dtype = "bfloat16", memory = "dram", numerics = "timing";
    uint32_t devices = 0, num_links = 1, payload = 0, seed = 0, router_cycles = 0;
    uint64_t bytes = 0;
    Common common;
    Mpi mpi;
};
Options g_opt;

int run_one(Options& o) {
    o.mpi.start(o.common, o.numerics);
    if (o.common.system_name() == "n150" && o.common.system.empty()) o.common.system = "t3000";
    o.common.apply_system();
    tensim::set_numerics(o.numerics);
    ops::CclOp op{};
    ops::DType dt{};
    ops::CclConfig cfg;
    as_usage([&] {
        op = ops::parse_ccl_op(o.op);
        dt = ops::parse_dtype(o.dtype);
        cfg.topology = fabric::parse_topology(o.topology);
        cfg.num_links = o.num_links;
        cfg.max_payload_bytes = o.payload;
        cfg.router_packet_cycles = o.router_cycles;
        cfg.out_mem = o.memory == "l1" ? ops::MemoryConfig::l1_interleaved()
                                       : ops::MemoryConfig::dram_interleaved();
    });
    const auto t0 = std::chrono::steady_clock::now();
    const ops::CclBenchResult r = ops::run_ccl(op, o.devices, o.bytes, dt, cfg, o.seed);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::ordered_json j = {
        {"op", ops::ccl_op_name(op)},
        {"system", tensim::system_name()},
        {"devices", o.devices},
        {"chips", r.chips},
        {"topology", fabric::topology_name(r.plan.topology)},
        {"num_links", r.plan.num_links},
        {"dtype", ops::dtype_name(dt)},
        {"memory", o.memory},
        {"bytes", r.bytes},
        {"numerics", o.numerics},
        {"device_cycles", r.plan.device_cycles},
        {"device_time_us", r.device_time_us},
        {"algbw_gbps", r.algbw_gbps},
        {"busbw_gbps", r.busbw_gbps},
        {"link_gbps", r.link_gbps},
        {"max_abs_error", r.max_abs_error ? nlohmann::ordered_json(*r.max_abs_error)
                                          : nlohmann::ordered_json(nullptr)},
        {"packet_payload_bytes", r.plan.packet_payload_bytes},
        {"wall_s", wall},
        {"ranks", scaleout::ranks()},
        {"sync_rounds", scaleout::sync_rounds()},
        {"sync_s", scaleout::sync_seconds()},
        {"sync_bytes", scaleout::sync_bytes()},
        {"plan", r.plan.describe()},
        {"why", r.plan.why}};
    o.common.emit_json(j);
    if (!o.common.json_on_stdout()) {
        std::cout << fmt::format("{} of {} B on {} chips of {} ({}): {}\n", ops::ccl_op_name(op),
                                 r.bytes, o.devices, tensim::system_name(), fmt::join(r.chips, "-"),
                                 r.plan.describe());
        std::cout << fmt::format("  why: {}\n", r.plan.why);
        std::cout << fmt::format("  device cycles   {}\n", r.plan.device_cycles);
        std::cout << fmt::format("  device time     {:.2f} us\n", r.device_time_us);
        std::cout << fmt::format("  algbw           {:.2f} GB/s\n", r.algbw_gbps);
        std::cout << fmt::format("  busbw           {:.2f} GB/s (nccl-tests)\n", r.busbw_gbps);
        std::cout << fmt::format("  per link        {:.2f} GB/s per direction (line rate 12.5)\n",
                                 r.link_gbps);
        std::cout << (r.max_abs_error
                          ? fmt::format("  max |error|     {:.4g} (host reference)\n",
                                        *r.max_abs_error)
                          : std::string("  values          not checked (timing numerics)\n"));
        std::cout << fmt::format("  wall            {:.2f} s\n", wall);
    }
    return kOk;
}

}  // namespace

void add(CLI::App& cmd) {
    Options& o = g_opt;
    cmd.add_option("--op", o.op, "all_gather, reduce_scatter, all_reduce, all_to_all")
        ->required()
        ->check(CLI::IsMember({"all_gather", "reduce_scatter", "all_reduce", "all_to_all"}));
    cmd.add_option("--devices", o.devices, "Chips in the line or ring")
        ->required()
        ->check(CLI::Range(2, 64));
    cmd.add_option("--topology", o.topology, "line or ring")
        ->check(CLI::IsMember({"line", "ring"}));
    cmd.add_option("--bytes", o.bytes,
                   "Size (nccl-tests: all_gather the gathered output, else each chip's buffer)")
        ->required()
        ->check(whole<uint64_t>());
    cmd.add_option("--num-links", o.num_links, "Ethernet links per neighbour pair")
        ->check(CLI::Range(1, 4));
    cmd.add_option("--dtype", o.dtype, "bfloat16, bfloat8_b, bfloat4_b, float32");
    cmd.add_option("--memory", o.memory, "dram or l1 (tensors)")
        ->check(CLI::IsMember({"dram", "l1"}));
    cmd.add_option("--packet-bytes", o.payload, "Fabric packet payload (default 4352)");
    cmd.add_option("--router-cycles", o.router_cycles, "Router firmware cycles per packet");
    cmd.add_option("--seed", o.seed, "Seed of the random inputs");
    o.common.add_to(cmd);
    o.mpi.add_to(cmd);
    cmd.add_option("--numerics", o.numerics, "timing (default: values not checked), fast, faithful")
        ->check(CLI::IsMember({"faithful", "fast", "timing"}));
}

int run(CLI::App&) { return run_one(g_opt); }

}  // namespace tensim::cli::ccl_cmd
