// `tensim matmul`: one matmul through the op layer (tensim::ops::matmul) from random inputs, with
// its device time, throughput, FPU utilization and (unless numerics are `timing`) its PCC against
// an fp64 reference computed from the inputs as the device holds them (after quantization).
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

namespace tensim::cli::matmul_cmd {

namespace {

struct Options {
    uint32_t m = 0, k = 0, n = 0, batch = 1;
    std::string in0_dtype = "bfloat16", in1_dtype = "bfloat16", out_dtype, fidelity, grid,
                program = "auto";
    std::string in0_mem = "dram_interleaved", in1_mem, out_mem = "dram_interleaved";
    std::string arch, numerics = "faithful";
    Common common;  // --system, --set, --json
    Expect expect;  // --expect-cycles, --min-pcc
    bool fp32_dest_acc = false, no_packer_l1_acc = false, reference_after = false;
    uint32_t in0_block_w = 0, per_core_m = 0, per_core_n = 0, out_subblock_h = 0,
             out_subblock_w = 0;
    uint32_t out_block_h = 0, out_block_w = 0, seed = 0;
};
Options g_opt;

std::vector<float> random_values(size_t count, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return v;
}

// Rule of thumb for TT-NN's weights (llms.md 1.2): LoFi for bfloat4_b, HiFi2 for bfloat8_b, else
// HiFi4.
MathFidelity default_fidelity(ops::DType in1) {
    return in1 == ops::DType::bfloat4_b   ? MathFidelity::LoFi
           : in1 == ops::DType::bfloat8_b ? MathFidelity::HiFi2
                                          : MathFidelity::HiFi4;
}

nlohmann::ordered_json plan_json(const ops::MatmulPlan& p) {
    return {{"program", ops::program_name(p.program)},
            {"cores_x", p.cores_x},
            {"cores_y", p.cores_y},
            {"num_cores", p.num_cores},
            {"per_core_M", p.per_core_M},
            {"per_core_N", p.per_core_N},
            {"in0_block_w", p.in0_block_w},
            {"out_block_h", p.out_block_h},
            {"out_block_w", p.out_block_w},
            {"out_subblock_h", p.out_subblock_h},
            {"out_subblock_w", p.out_subblock_w},
            {"mcast_in0", p.mcast_in0},
            {"num_k_blocks", p.num_k_blocks()},
            {"math_fidelity", ops::fidelity_name(p.math_fidelity)},
            {"fp32_dest_acc", p.fp32_dest_acc},
            {"packer_l1_acc", p.packer_l1_acc},
            {"in0_dtype", ops::dtype_name(p.in0_dtype)},
            {"in1_dtype", ops::dtype_name(p.in1_dtype)},
            {"out_dtype", ops::dtype_name(p.out_dtype)},
            {"interm_dtype", ops::dtype_name(p.interm_dtype)},
            {"in0_mem", ops::describe(p.a_mem)},
            {"in1_mem", ops::describe(p.b_mem)},
            {"out_mem", ops::describe(p.out_mem)},
            {"l1_bytes_per_core", p.l1_bytes_per_core},
            {"why", p.why}};
}

// The op configuration the options ask for; throws std::invalid_argument on a bad value.
void configure(const Options& o, ops::MatmulConfig& cfg, ops::DType& d0, ops::DType& d1,
               std::string& in1_mem) {
    d0 = ops::parse_dtype(o.in0_dtype), d1 = ops::parse_dtype(o.in1_dtype);
    cfg.program = ops::parse_program(o.program);
    cfg.math_fidelity = o.fidelity.empty() ? default_fidelity(d1) : ops::parse_fidelity(o.fidelity);
    cfg.fp32_dest_acc = o.fp32_dest_acc;
    if (o.no_packer_l1_acc) cfg.packer_l1_acc = false;
    if (!o.out_dtype.empty()) cfg.out_dtype = ops::parse_dtype(o.out_dtype);
    cfg.out_mem = ops::parse_memory_config(o.out_mem);
    cfg.in0_block_w = o.in0_block_w, cfg.per_core_M = o.per_core_m, cfg.per_core_N = o.per_core_n;
    cfg.out_subblock_h = o.out_subblock_h, cfg.out_subblock_w = o.out_subblock_w;
    cfg.out_block_h = o.out_block_h, cfg.out_block_w = o.out_block_w;
    if (!o.grid.empty()) {
        unsigned gx = 0, gy = 0;
        if (std::sscanf(o.grid.c_str(), "%ux%u", &gx, &gy) != 2 || !gx || !gy)
            throw std::invalid_argument(fmt::format("--grid '{}': expected XxY, e.g. 8x8", o.grid));
        cfg.grid_x = gx, cfg.grid_y = gy;
    }
    in1_mem = o.in1_mem;
    if (in1_mem.empty())
        in1_mem =
            cfg.program == ops::MatmulProgram::dram_sharded ? "dram_sharded" : "dram_interleaved";
    // Checked before the device opens.
    (void)ops::parse_memory_config(o.in0_mem);
    (void)ops::parse_memory_config(in1_mem);
}

// User + system CPU seconds of the process (RUSAGE_SELF) or of the calling thread (RUSAGE_THREAD).
double cpu_seconds(int who) {
    rusage u{};
    getrusage(who, &u);
    auto sec = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

int run_one(Options& o) {
    // The host vectors of a large matmul (inputs, their encoded copies, read-backs) are tens of
    // MB each: glibc maps each one fresh and unmaps it on free, so every one faults its pages in
    // again, which on a virtual machine costs more than the work done on them. Freed blocks stay
    // in the heap for the next vector, and the heap has huge pages.
    if (o.numerics != "timing") {
        // Room for the inputs, read-backs and the simulated DRAM's storage of A, B and C: three
        // bf16 or fp32 matrices in host floats and in device words.
        const size_t values =
            size_t(o.batch) * o.m * o.k + size_t(o.k) * o.n + size_t(o.batch) * o.m * o.n;
        tensim::reserve_host_heap(values * 12);
    }
    if (!o.arch.empty()) o.common.system = o.arch;
    o.common.apply_system();
    tensim::set_numerics(o.numerics);
    // Everything below up to the device is read from the options: a bad value is bad usage.
    ops::MatmulConfig cfg;
    ops::DType d0{}, d1{};
    std::string in1_mem;
    as_usage([&] { configure(o, cfg, d0, d1, in1_mem); });
    const ops::Shape sa{o.batch, o.m, o.k}, sb{1, o.k, o.n};
    tt::tt_metal::IDevice* device = tt::tt_metal::CreateDevice(0);
    int rc = 0;
    try {
        // Plan first: it completes sharded memory requests with the grid and shard shape it needs.
        const ops::MatmulPlan plan =
            ops::plan_matmul(device,
                             {sa, sb, d0, d1, ops::parse_memory_config(o.in0_mem),
                              ops::parse_memory_config(in1_mem), false},
                             cfg);
        // Timing numerics do no tile math, so the inputs' values cannot matter: skip making them.
        const bool check = o.numerics != "timing";
        std::mt19937 rng(o.seed);
        auto make = [&](const ops::Shape& s, ops::DType d, const ops::MemoryConfig& m) {
            if (!check) return ops::Tensor::allocate(device, s, d, m);
            return ops::Tensor::from_host(
                device, random_values(size_t(s.batch) * s.rows * s.cols, rng), s, d, m);
        };
        const ops::Tensor a = make(sa, d0, plan.a_mem);
        const ops::Tensor b = make(sb, d1, plan.b_mem);
        // The fp64 reference of the inputs as the device holds them (host reads take no device
        // time). `fast` numerics simulate on one host thread (tile math inline unless
        // TENSIM_MATH_THREADS asks for workers), so the reference runs on a second thread during
        // the matmul, with one BLAS thread; faithful numerics give the second core to the
        // MathWorker, so there it runs after the simulation (as it does with --reference-after).
        // wall_s times the simulation either way.
        const uint32_t rows = o.batch * o.m;
        std::vector<float> host_a, host_b;
        std::future<std::vector<double>> reference;
        if (check && o.numerics == "fast" && !o.reference_after) {
            host_a = a.to_host(), host_b = b.to_host();
            reference = std::async(std::launch::async, [&] {
                return ops::matmul_reference(host_a, host_b, rows, o.k, o.n, true);
            });
        }
        ops::MatmulPlan ran;
        // CPU seconds over wall_s's span: the process's (MathWorker and reference threads
        // included) and this thread's (the simulation and the tile math it computes itself).
        const double process0 = cpu_seconds(RUSAGE_SELF), thread0 = cpu_seconds(RUSAGE_THREAD);
        const auto t0 = std::chrono::steady_clock::now();
        const ops::Tensor c = ops::matmul(a, b, cfg, &ran);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double process_cpu = cpu_seconds(RUSAGE_SELF) - process0;
        const double thread_cpu = cpu_seconds(RUSAGE_THREAD) - thread0;
        const ProgramStats& st = tensim::last_program_stats(device);
        double fpu = 0;
        for (const auto& cs : st.compute) fpu += cs.fpu_utilization;
        if (!st.compute.empty()) fpu /= double(st.compute.size());
        const double flops = 2.0 * o.batch * o.m * double(o.n) * o.k;
        const double tflops =
            st.device_time_us > 0 ? flops / (st.device_time_us * 1e-6) / 1e12 : 0.0;

        std::optional<double> p;
        if (reference.valid()) {
            const std::vector<float> got = c.to_host();  // while the reference may still run
            p = ops::matmul_pcc(reference.get(), got);
        } else if (check)
            p = ops::matmul_pcc(a.to_host(), b.to_host(), c.to_host(), rows, o.k, o.n);

        nlohmann::ordered_json j = {
            {"m", o.m},
            {"k", o.k},
            {"n", o.n},
            {"batch", o.batch},
            {"system", tensim::system_name()},
            {"numerics", o.numerics},
            {"device_cycles", st.device_cycles},
            {"device_time_us", st.device_time_us},
            {"tflops", tflops},
            {"fpu_util", fpu},
            {"bound", st.bound},
            {"pcc", p ? nlohmann::ordered_json(*p) : nlohmann::ordered_json(nullptr)},
            {"wall_s", wall},
            {"wall_cpu_s", process_cpu},
            {"wall_sim_thread_cpu_s", thread_cpu},
            {"config", plan_json(ran)}};
        o.common.emit_json(j);
        if (!o.common.json_on_stdout()) {
            std::cout << fmt::format("matmul {}{}x{}x{} (M x K x N): {}\n",
                                     o.batch > 1 ? fmt::format("{} x ", o.batch) : "", o.m, o.k,
                                     o.n, ran.describe());
            std::cout << fmt::format("  in0 {}, in1 {}, out {}\n", ops::describe(ran.a_mem),
                                     ops::describe(ran.b_mem), ops::describe(ran.out_mem));
            std::cout << fmt::format("  why: {}\n", ran.why);
            std::cout << fmt::format("  device cycles   {}\n", st.device_cycles);
            std::cout << fmt::format("  device time     {:.3f} us\n", st.device_time_us);
            std::cout << fmt::format("  throughput      {:.2f} TFLOP/s\n", tflops);
            std::cout << fmt::format("  FPU utilization {:.1f}% (mean over {} cores)\n",
                                     100.0 * fpu, st.compute.size());
            std::cout << fmt::format("  bound by        {}\n", st.bound);
            std::cout
                << (p ? fmt::format(
                            "  PCC             {:.6f} (fp64 reference of the quantized inputs)\n",
                            *p)
                      : std::string("  PCC             not checked (timing numerics)\n"));
            std::cout << fmt::format("  wall            {:.2f} s ({} numerics)\n", wall,
                                     o.numerics);
        }
        rc = o.expect.check(st.device_cycles, p);
    } catch (...) {
        tt::tt_metal::CloseDevice(device);
        throw;
    }
    tt::tt_metal::CloseDevice(device);
    return rc;
}

}  // namespace

void add(CLI::App& cmd) {
    Options& o = g_opt;
    CLI::App* c = &cmd;
    const CLI::TypeValidator<uint32_t> uint("UINT");
    c->add_option("--m", o.m, "Rows of in0 and the output")->required()->check(whole<uint32_t>());
    c->add_option("--k", o.k, "Inner dimension")->required()->check(whole<uint32_t>());
    c->add_option("--n", o.n, "Columns of in1 and the output")
        ->required()
        ->check(whole<uint32_t>());
    c->add_option("--batch", o.batch, "Batches of in0 (in1 is shared)")->check(whole<uint32_t>());
    c->add_option("--in0-dtype", o.in0_dtype, "bfloat16, bfloat8_b, bfloat4_b, float32");
    c->add_option("--in1-dtype", o.in1_dtype, "bfloat16, bfloat8_b, bfloat4_b, float32");
    c->add_option("--out-dtype", o.out_dtype, "Output dtype (default: in0's)");
    c->add_option("--fidelity", o.fidelity,
                  "LoFi, HiFi2, HiFi3, HiFi4 (default: by in1's dtype, LoFi for "
                  "bfloat4_b, HiFi2 for bfloat8_b, else HiFi4)");
    c->add_option("--grid", o.grid, "Compute grid XxY (default: the device's)");
    c->add_option("--program", o.program, "auto, 2d_mcast, 1d_mcast, dram_sharded")
        ->check(CLI::IsMember({"auto", "2d_mcast", "1d_mcast", "dram_sharded"}));
    const std::string mems =
        "dram_interleaved, l1_interleaved, l1_sharded, l1_height_sharded, l1_width_sharded, "
        "l1_block_sharded, dram_sharded";
    c->add_option("--in0-mem", o.in0_mem, mems);
    c->add_option("--in1-mem", o.in1_mem,
                  mems + " (default dram_interleaved; dram_sharded for --program dram_sharded)");
    c->add_option("--out-mem", o.out_mem, mems);
    c->add_flag("--fp32-dest-acc", o.fp32_dest_acc, "Accumulate in fp32 in Dst");
    c->add_flag("--no-packer-l1-acc", o.no_packer_l1_acc,
                "Reload partial sums instead of accumulating them in L1");
    c->add_flag("--reference-after", o.reference_after,
                "Compute the fp64 reference after the simulation, not beside it (fast numerics)");
    c->add_option("--in0-block-w", o.in0_block_w, "K step in tiles (default: chosen)")->check(uint);
    c->add_option("--per-core-m", o.per_core_m, "Output tile rows per core (default: chosen)")
        ->check(uint);
    c->add_option("--per-core-n", o.per_core_n, "Output tile columns per core (default: chosen)")
        ->check(uint);
    c->add_option("--out-block-h", o.out_block_h, "Output block rows held in L1 (2d_mcast)")
        ->check(uint);
    c->add_option("--out-block-w", o.out_block_w, "Output block columns held in L1 (2d_mcast)")
        ->check(uint);
    c->add_option("--out-subblock-h", o.out_subblock_h, "Dst subblock rows")->check(uint);
    c->add_option("--out-subblock-w", o.out_subblock_w, "Dst subblock columns")->check(uint);
    c->add_option("--seed", o.seed, "Seed of the random inputs");
    c->add_option("--arch", o.arch, "Architecture JSON file (the same as --system FILE)");
    o.common.add_to(*c);
    o.expect.add_to(*c);
    o.numerics = tensim::numerics_mode_name();  // $TENSIM_NUMERICS, else faithful
    c->add_option("--numerics", o.numerics,
                  "faithful (default), fast, timing (no tile math, no PCC)")
        ->check(CLI::IsMember({"faithful", "fast", "timing"}));
}

int run(CLI::App&) { return run_one(g_opt); }

}  // namespace tensim::cli::matmul_cmd
