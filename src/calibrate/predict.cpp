// The simulation of calibration cases, one function per kind: each builds the case on the
// microbenchmarks (src/bench) or the op layer and reads the cycles back (predict.hpp).
#include "calibrate/predict.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <tt-metalium/host_api.hpp>

#include "bench/session.hpp"
#include "common/error.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

namespace tensim::calibrate {

namespace {

using namespace tt::tt_metal;
using bench::Session;
using bench::Xy;

std::string bytes_text(uint64_t b) {
    if (b >= (1u << 20) && b % (1u << 20) == 0) return fmt::format("{} MiB", b >> 20);
    if (b >= 1024 && b % 1024 == 0) return fmt::format("{} KiB", b >> 10);
    return fmt::format("{} B", b);
}

// Bandwidth in the case's metric.
double bandwidth_in(const std::string& metric, double bytes_per_cycle, double clock_ghz) {
    if (metric == "bytes_per_cycle") return bytes_per_cycle;
    if (metric == "gbytes_per_s") return bytes_per_cycle * clock_ghz;
    throw Skip{fmt::format("metric '{}' is not a bandwidth", metric)};
}

int noc_or_default(const Params& p, std::vector<std::string>& notes) {
    auto noc = p.get<int>("noc");
    if (!noc) {
        notes.push_back("noc: 0 (not stated; default)");
        return 0;
    }
    if (*noc != 0 && *noc != 1) throw Skip{fmt::format("params.noc = {} is neither 0 nor 1", *noc)};
    return *noc;
}

// ---- noc_latency -------------------------------------------------------------------------------

Prediction predict_noc_latency(Session& s, const Case& c, const Params& p) {
    if (c.metric != "latency_cycles")
        throw Skip{fmt::format("metric '{}' not simulated for noc_latency", c.metric)};
    const std::string dir = p.need<std::string>("direction"), mem = p.need<std::string>("memory");
    if (dir != "read" && dir != "write")
        throw Skip{fmt::format("direction '{}' is neither read nor write", dir)};
    if (mem != "l1" && mem != "dram")
        throw Skip{fmt::format("memory '{}' is neither l1 nor dram", mem)};
    bench::NocLatencyOptions o{.write = dir == "write",
                               .dram = mem == "dram",
                               .transaction_bytes = p.need<uint32_t>("transaction_bytes"),
                               .transactions = p.need<uint32_t>("num_transactions"),
                               .same_axis = p.need<bool>("same_axis")};
    if (o.transaction_bytes == 0 || o.transactions == 0) throw Skip{"no bytes to move"};
    return {double(bench::noc_latency(s, o).latency_cycles), {}};
}

// ---- noc_transfer ------------------------------------------------------------------------------

// Transactions moving at least 2 MiB (steady state well past the first round trip), a whole
// number of rounds over the peers.
uint32_t default_transactions(uint32_t bytes, int rounds_of) {
    uint64_t n = std::max<uint64_t>(16, ((2u << 20) + bytes - 1) / bytes);
    n = (n + rounds_of - 1) / rounds_of * rounds_of;
    return static_cast<uint32_t>(n);
}

Prediction predict_noc_transfer(Session& s, const Case& c, const Params& p) {
    Prediction out;
    const std::string pattern = p.need<std::string>("pattern");
    const auto pat = bench::parse_noc_pattern(pattern);
    if (!pat) throw Skip{fmt::format("pattern '{}' is not simulated", pattern)};
    bench::NocPatternOptions o{.pattern = *pat, .peers = p.need<int>("cores")};
    o.noc = noc_or_default(p, out.notes);
    const bool round_robin =
        *pat == bench::NocPattern::one_to_all_unicast || *pat == bench::NocPattern::one_from_all;
    if (*pat == bench::NocPattern::one_to_one || *pat == bench::NocPattern::one_from_one) {
        if (o.peers != 1) throw Skip{fmt::format("{} with {} cores", pattern, o.peers)};
        if (auto sa = p.get<bool>("same_axis"))
            o.same_axis = *sa;
        else
            out.notes.push_back(
                "same_axis: true (not stated; the peer is the neighbour in the row)");
    }
    if (p.get<bool>("linked").value_or(false))
        out.notes.push_back("linked: not modelled (transactions sent unlinked)");
    if (!round_robin && *pat != bench::NocPattern::one_to_all_multicast && o.peers != 1)
        throw Skip{fmt::format("{} with {} peers", pattern, o.peers)};

    std::vector<uint32_t> sizes;
    if (auto t = p.get<uint32_t>("transaction_bytes")) {
        sizes = {*t};
    } else {
        for (uint32_t t = 256; t <= 64u << 10; t *= 2) sizes.push_back(t);
    }
    const auto n = p.get<uint32_t>("num_transactions");
    double best = -1;
    uint32_t best_size = 0, best_n = 0;
    for (uint32_t t : sizes) {
        o.transaction_bytes = t;
        o.transactions = n ? *n : default_transactions(t, round_robin ? o.peers : 1);
        const bench::NocPatternResult r = bench::noc_pattern(s, o);
        if (r.bytes_per_cycle > best) {
            best = r.bytes_per_cycle;
            best_size = t;
            best_n = o.transactions;
        }
    }
    if (sizes.size() > 1)
        out.notes.push_back(
            fmt::format("transaction_bytes: best of a 256 B..64 KiB sweep, {} ({:.2f} B/cycle)",
                        bytes_text(best_size), best));
    if (!n)
        out.notes.push_back(
            fmt::format("num_transactions: {} (not stated; >= 2 MiB moved)", best_n));
    out.value = bandwidth_in(c.metric, best, s.clock_ghz());
    return out;
}

// ---- dram_read / dram_write --------------------------------------------------------------------

Prediction predict_dram(Session& s, const Case& c, const Params& p) {
    Prediction out;
    const bool write = c.kind == "dram_write";
    if (auto w = p.get<std::string>("workload"))
        throw Skip{
            fmt::format("describes a class of ops (workload {}), not one configuration", *w)};
    bench::DramTrafficOptions o{.write = write, .channels = p.need<int>("dram_channels")};
    if (o.channels < 1 || o.channels > s.num_banks())
        throw Skip{fmt::format("{} DRAM channels; the chip has {}", o.channels, s.num_banks())};
    if (auto cores = p.get<int>("cores")) {
        o.cores = *cores;
    } else {
        o.cores = o.channels;
        out.notes.push_back(fmt::format("cores: {} (not stated; one per channel)", o.cores));
    }
    if (o.cores < 1 || o.cores > s.num_workers())
        throw Skip{fmt::format("{} cores; the grid has {}", o.cores, s.num_workers())};
    const uint32_t align = s.config().chip.noc.dram_alignment_bytes;
    if (auto b = p.get<uint64_t>("bytes_per_core")) {
        o.bytes_per_core = *b;
    } else if (auto total = p.get<uint64_t>("total_bytes")) {
        o.bytes_per_core = (*total / o.cores + align - 1) / align * align;
        out.notes.push_back(
            fmt::format("bytes_per_core: {} (not stated; total_bytes / cores)", o.bytes_per_core));
    } else {
        throw Skip{"neither bytes_per_core nor total_bytes is stated"};
    }
    if (o.bytes_per_core == 0) throw Skip{"no bytes to move"};
    o.noc = noc_or_default(p, out.notes);
    if (auto vc = p.get<std::string>("vc")) {
        if (*vc != "static" && *vc != "dynamic")
            throw Skip{fmt::format("vc '{}' is neither static nor dynamic", *vc)};
        o.dynamic_vc = *vc == "dynamic";
        if (!write && o.dynamic_vc)
            out.notes.push_back(
                "vc: dynamic has no effect on reads (only write data backs up before DRAM)");
    } else if (write) {
        out.notes.push_back("vc: static (not stated; TT-Metal's writes use NOC_UNICAST_WRITE_VC)");
    }
    if (auto gtps = p.get<double>("dram_speed_gtps"); gtps && *gtps != 12)
        out.notes.push_back(fmt::format(
            "dram_speed_gtps: {} not modelled (channels run at the architecture's rate)", *gtps));
    if (auto stated = p.get<uint32_t>("transaction_bytes")) {
        o.transaction_bytes = *stated;
    } else {
        // The largest power of two up to one NoC packet that divides the bytes per core.
        uint32_t t = s.config().chip.noc.max_packet_payload_bytes;
        while (t > align && o.bytes_per_core % t != 0) t /= 2;
        if (o.bytes_per_core % t != 0)
            throw Skip{fmt::format("{} B per core is not a multiple of the {} B DRAM alignment",
                                   o.bytes_per_core, align)};
        o.transaction_bytes = t;
        out.notes.push_back(
            fmt::format("transaction_bytes: {} (not stated; largest packet dividing the data)", t));
    }
    if (o.transaction_bytes % align != 0 || o.bytes_per_core % o.transaction_bytes != 0)
        throw Skip{
            fmt::format("{} B per core in {} B transactions: not whole, aligned transactions",
                        o.bytes_per_core, o.transaction_bytes)};
    if (auto pl = p.get<std::string>("core_placement")) {
        auto parsed = bench::parse_dram_placement(*pl);
        if (!parsed) throw Skip{fmt::format("core_placement '{}' is not simulated", *pl)};
        o.placement = *parsed;
        if (o.placement == bench::DramPlacement::random)
            out.notes.push_back(fmt::format("random placement, seed {}", o.seed));
    } else {
        out.notes.push_back("core_placement: adjacent (not stated; each core next to its bank)");
    }
    if (auto test = p.get<std::string>("test")) {
        if (*test == "dram_read_remote_cb_sync")
            out.notes.push_back(
                "test dram_read_remote_cb_sync: the forwarding to receiver cores is not simulated, "
                "only the reader streaming its bank");
        else if (*test == "dram_read_l1_write_core")
            out.notes.push_back(
                "test dram_read_l1_write_core: readers stream their banks into their own L1");
    }
    const bench::DramTrafficResult r = bench::dram_traffic(s, o);
    out.value = bandwidth_in(c.metric, r.bytes_per_cycle, s.clock_ghz());
    return out;
}

// ---- sfpu --------------------------------------------------------------------------------------

// The SFPU ops the calibration schema names, as compute-API calls. `approx` is the case's flag
// (also passed as ComputeConfig::math_approx_mode, which sets APPROX).
struct SfpuCall {
    std::string init, call;
};
std::optional<SfpuCall> sfpu_call(const std::string& op, bool approx) {
    const std::string a = approx ? "true" : "false";
    // The *_appx kernels are the lookup-table paths whatever the approx flag says.
    if (op == "gelu_appx") return SfpuCall{"gelu_tile_init<true>()", "gelu_tile<true>(i)"};
    if (op == "gelu") return SfpuCall{"gelu_tile_init<" + a + ">()", "gelu_tile<" + a + ">(i)"};
    if (op == "sigmoid_appx")
        return SfpuCall{"sigmoid_tile_init<true>()", "sigmoid_tile<VectorMode::RC, true>(i)"};
    if (op == "sigmoid")
        return SfpuCall{"sigmoid_tile_init<" + a + ">()",
                        "sigmoid_tile<VectorMode::RC, " + a + ">(i)"};
    if (op == "exp") return SfpuCall{"exp_tile_init<" + a + ">()", "exp_tile<" + a + ">(i)"};
    if (op == "rsqrt") return SfpuCall{"rsqrt_tile_init<" + a + ">()", "rsqrt_tile<" + a + ">(i)"};
    if (op == "recip" || op == "reciprocal") return SfpuCall{"recip_tile_init()", "recip_tile(i)"};
    if (op == "neg" || op == "negative")
        return SfpuCall{"negative_tile_init()", "negative_tile(i)"};
    static const std::set<std::string> plain = {"log", "sqrt",   "silu", "relu",  "tanh",
                                                "abs", "square", "sign", "exp2",  "expm1",
                                                "sin", "cos",    "tan",  "log1p", "erf"};
    if (plain.count(op)) return SfpuCall{op + "_tile_init()", op + "_tile(i)"};
    return std::nullopt;
}

// Math-thread cycles of one run of kernels/calibrate/sfpu_loop.cpp.
uint64_t sfpu_math_cycles(Session& s, const SfpuCall& op, bool approx, bool fp32_dest,
                          tt::DataFormat in_fmt, tt::DataFormat out_fmt, uint32_t tiles,
                          uint32_t repeats) {
    const CoreCoord core{0, 0};
    Program program = CreateProgram();
    const uint32_t in_tile = tt::tile_size(in_fmt), out_tile = tt::tile_size(out_fmt);
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(tiles * in_tile, {{tt::CBIndex::c_0, in_fmt}})
                             .set_page_size(tt::CBIndex::c_0, in_tile));
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(tiles * out_tile, {{tt::CBIndex::c_16, out_fmt}})
                             .set_page_size(tt::CBIndex::c_16, out_tile));
    KernelHandle pub = CreateKernel(
        program, "kernels/calibrate/publish_inputs.cpp", core,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1, .noc = NOC::NOC_0});
    SetRuntimeArgs(program, pub, core, {tiles, 0u});
    KernelHandle k = CreateKernel(
        program, "kernels/calibrate/sfpu_loop.cpp", core,
        ComputeConfig{.fp32_dest_acc_en = fp32_dest,
                      .math_approx_mode = approx,
                      .compile_args = {tiles},
                      .defines = {{"SFPU_OP_INIT()", op.init}, {"SFPU_OP(i)", op.call}}});
    SetRuntimeArgs(program, k, core, {repeats});
    EnqueueProgram(s.device()->command_queue(), program, true);
    return s.kernel_cycles({0, 0}, "TRISC1");
}

tt::DataFormat format_param(const Params& p, const char* key) {
    const std::string name = p.need<std::string>(key);
    try {
        return tensim::parse_data_format(name);
    } catch (const std::exception&) {
        throw Skip{fmt::format("params.{}: unknown data type '{}'", key, name)};
    }
}

bool flag_or_false(const Params& p, const char* key, std::vector<std::string>& notes) {
    if (auto v = p.get<bool>(key)) return *v;
    notes.push_back(fmt::format("{}: false (not stated; default)", key));
    return false;
}

// Dst tiles a math thread may hold in half-sync mode (TT-Metal: 8 with 16-bit Dst, 4 with fp32).
uint32_t dst_tiles(bool fp32_dest) { return fp32_dest ? 4 : 8; }

Prediction predict_sfpu(Session& s, const Case& c, const Params& p) {
    Prediction out;
    const std::string op_name = p.need<std::string>("op");
    const bool approx = p.need<bool>("approx");
    const bool fp32_dest = flag_or_false(p, "fp32_dest_acc", out.notes);
    const tt::DataFormat in_fmt = format_param(p, "in_dtype"),
                         out_fmt = format_param(p, "out_dtype");
    if (auto scope = p.get<std::string>("scope"); scope && *scope != "math_only")
        throw Skip{fmt::format("scope '{}' is not simulated (only math_only)", *scope)};
    const auto op = sfpu_call(op_name, approx);
    if (!op) throw Skip{fmt::format("SFPU op '{}' is not in the simulator's compute API", op_name)};
    uint32_t tiles = 0;
    if (auto t = p.get<uint32_t>("tiles_per_loop_inferred")) {
        tiles = *t;
    } else if (c.metric == "cycles_per_tile") {
        tiles = 128;
        out.notes.push_back(
            "tiles in the loop: 128 (not stated; the per-tile figure does not depend on it)");
    } else {
        throw Skip{"the number of tiles the timed loop covers is not stated"};
    }
    if (tiles == 0) throw Skip{"an empty loop"};
    if (c.metric != "cycles" && c.metric != "cycles_per_tile")
        throw Skip{fmt::format("metric '{}' not simulated for sfpu", c.metric)};
    // Dst-resident: as many tiles as Dst holds (a divisor of the loop), the op repeated over them.
    uint32_t held = dst_tiles(fp32_dest);
    while (tiles % held != 0) --held;
    const uint32_t repeats = tiles / held;
    const uint64_t with =
        sfpu_math_cycles(s, *op, approx, fp32_dest, in_fmt, out_fmt, held, repeats);
    const uint64_t without = sfpu_math_cycles(s, *op, approx, fp32_dest, in_fmt, out_fmt, held, 0);
    const double loop = double(with) - double(without);
    out.notes.push_back(
        fmt::format("{} Dst-resident tiles x {} repeats of {}; math-thread loop cycles", held,
                    repeats, op->call));
    out.value = c.metric == "cycles" ? loop : loop / tiles;
    return out;
}

// ---- matmul_single_core ------------------------------------------------------------------------

MathFidelity fidelity_param(const Params& p) {
    const std::string f = p.need<std::string>("math_fidelity");
    if (f == "LoFi") return MathFidelity::LoFi;
    if (f == "HiFi2") return MathFidelity::HiFi2;
    if (f == "HiFi3") return MathFidelity::HiFi3;
    if (f == "HiFi4") return MathFidelity::HiFi4;
    throw Skip{fmt::format("params.math_fidelity: unknown fidelity '{}'", f)};
}

uint32_t tiles_of(const Params& p, const char* key) {
    const uint32_t v = p.need<uint32_t>(key);
    if (v == 0 || v % 32 != 0)
        throw Skip{fmt::format("params.{} = {} is not a positive multiple of 32", key, v)};
    return v / 32;
}

Prediction predict_matmul_single_core(Session& s, const Case& c, const Params& p) {
    Prediction out;
    if (c.metric != "cycles")
        throw Skip{fmt::format("metric '{}' not simulated for matmul_single_core", c.metric)};
    const uint32_t Mt = tiles_of(p, "M"), Nt = tiles_of(p, "N"), Kb = tiles_of(p, "K_per_block");
    const uint32_t num_blocks = p.need<uint32_t>("num_blocks");
    const uint32_t sh = p.need<uint32_t>("out_subblock_h"), sw = p.need<uint32_t>("out_subblock_w");
    const tt::DataFormat in0_fmt = format_param(p, "in0_dtype"),
                         in1_fmt = format_param(p, "in1_dtype"),
                         out_fmt = format_param(p, "out_dtype");
    const MathFidelity fidelity = fidelity_param(p);
    const bool fp32_dest = flag_or_false(p, "fp32_dest_acc", out.notes);
    const bool l1_acc = flag_or_false(p, "packer_l1_acc", out.notes);
    if (auto in = p.get<std::string>("inputs"); in && *in != "l1_resident")
        throw Skip{fmt::format("inputs '{}' not simulated (only l1_resident)", *in)};
    if (num_blocks == 0) throw Skip{"num_blocks is 0"};
    if (sh == 0 || sw == 0 || Mt % sh != 0 || Nt % sw != 0)
        throw Skip{
            fmt::format("a {}x{} sub-block does not tile the {}x{}-tile output", sh, sw, Mt, Nt)};
    if (sh * sw > dst_tiles(fp32_dest))
        throw Skip{fmt::format("a {}x{} sub-block exceeds Dst ({} tiles{})", sh, sw,
                               dst_tiles(fp32_dest), fp32_dest ? " with fp32 accumulation" : "")};

    // Partials as TT-NN keeps them: fp32 with fp32 Dst, bf16 under packer L1 accumulation, else
    // the output format (then sharing the output's memory).
    const tt::DataFormat interm_fmt = fp32_dest ? tt::DataFormat::Float32
                                      : l1_acc  ? tt::DataFormat::Float16_b
                                                : out_fmt;
    const bool shared = interm_fmt == out_fmt;
    const uint32_t in0_tiles = Mt * Kb, in1_tiles = Kb * Nt, out_tiles = Mt * Nt;
    const uint64_t in0_bytes = uint64_t(in0_tiles) * tt::tile_size(in0_fmt);
    const uint64_t in1_bytes = uint64_t(in1_tiles) * tt::tile_size(in1_fmt);
    const uint64_t out_bytes = uint64_t(out_tiles) * tt::tile_size(out_fmt);
    const uint64_t interm_bytes = shared ? 0 : uint64_t(out_tiles) * tt::tile_size(interm_fmt);
    const auto& tx = s.config().chip.tensix;
    const uint64_t l1_free = uint64_t(tx.l1_size_kib) * 1024 - tx.l1_unreserved_base_bytes;
    const uint64_t need =
        in0_bytes + in1_bytes + out_bytes + interm_bytes + 4 * 32;  // + CB alignment
    if (need > l1_free)
        throw Skip{fmt::format(
            "one K block of in0 and in1 plus the output need {} KiB of L1; {} KiB are free",
            need / 1024, l1_free / 1024)};

    const CoreCoord core{0, 0};
    Program program = CreateProgram();
    auto cb = [&](uint32_t tiles, std::map<uint8_t, tt::DataFormat> spec) {
        CircularBufferConfig cfg(tiles * tt::tile_size(spec.begin()->second), spec);
        for (const auto& [i, f] : spec) cfg.set_page_size(i, tt::tile_size(f));
        CreateCircularBuffer(program, core, cfg);
    };
    cb(in0_tiles, {{tt::CBIndex::c_0, in0_fmt}});
    cb(in1_tiles, {{tt::CBIndex::c_1, in1_fmt}});
    if (shared) {
        cb(out_tiles, {{tt::CBIndex::c_16, out_fmt}, {tt::CBIndex::c_24, interm_fmt}});
    } else {
        cb(out_tiles, {{tt::CBIndex::c_16, out_fmt}});
        cb(out_tiles, {{tt::CBIndex::c_24, interm_fmt}});
    }
    KernelHandle pub = CreateKernel(
        program, "kernels/calibrate/publish_inputs.cpp", core,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1, .noc = NOC::NOC_0});
    SetRuntimeArgs(program, pub, core, {in0_tiles, in1_tiles});
    const uint32_t use_block = 1;
    CreateKernel(program, "kernels/calibrate/bmm_large_block_zm.cpp", core,
                 ComputeConfig{.math_fidelity = fidelity,
                               .fp32_dest_acc_en = fp32_dest,
                               .compile_args = {Kb, Mt / sh, in0_tiles, sh * Kb, Nt / sw, in1_tiles,
                                                Nt, num_blocks, sh, sw, sh * sw, uint32_t(l1_acc),
                                                use_block, uint32_t(l1_acc && !shared)}});
    EnqueueProgram(s.device()->command_queue(), program, true);
    uint64_t cycles = 0;
    for (const char* risc : {"TRISC0", "TRISC1", "TRISC2"})
        cycles = std::max(cycles, s.kernel_cycles({0, 0}, risc));
    out.notes.push_back(fmt::format(
        "matmul_block over {}x{} sub-blocks, {} K blocks of {} tiles; partials {} in {}", sh, sw,
        num_blocks, Kb, l1_acc ? "accumulated by the packer" : "spilled and reloaded",
        tensim::data_format_name(interm_fmt)));
    out.value = double(cycles);
    return out;
}

// ---- matmul ------------------------------------------------------------------------------------

ops::DType dtype_param(const Params& p, const char* key) {
    const std::string name = p.need<std::string>(key);
    try {
        return ops::parse_dtype(name);
    } catch (const std::invalid_argument&) {
        throw Skip{fmt::format("params.{}: unknown data type '{}'", key, name)};
    }
}

ops::MemoryConfig memory_param(const Params& p, const char* key) {
    const std::string name = p.need<std::string>(key);
    try {
        return ops::parse_memory_config(name);
    } catch (const std::invalid_argument&) {
        throw Skip{fmt::format("params.{}: unknown memory config '{}'", key, name)};
    }
}

// Block sizes (in tiles) a case may fix, as the TT-NN program config names them; unstated ones
// are chosen by the planner.
struct BlockParam {
    const char* key;
    uint32_t ops::MatmulConfig::*field;
};
constexpr BlockParam kBlockParams[] = {
    {"in0_block_w", &ops::MatmulConfig::in0_block_w},
    {"per_core_M", &ops::MatmulConfig::per_core_M},
    {"per_core_N", &ops::MatmulConfig::per_core_N},
    {"out_block_h", &ops::MatmulConfig::out_block_h},
    {"out_block_w", &ops::MatmulConfig::out_block_w},
    {"out_subblock_h", &ops::MatmulConfig::out_subblock_h},
    {"out_subblock_w", &ops::MatmulConfig::out_subblock_w},
};

Prediction predict_matmul(Session& s, const Case& c, const Params& p, bool include_large) {
    Prediction out;
    if (c.metric != "device_time_us" && c.metric != "cycles")
        throw Skip{fmt::format("metric '{}' not simulated for matmul", c.metric)};
    const uint32_t M = p.need<uint32_t>("M"), K = p.need<uint32_t>("K"), N = p.need<uint32_t>("N");
    if (M == 0 || K == 0 || N == 0) throw Skip{"an empty matmul"};
    if (!include_large && double(M) * double(N) * double(K) > large_matmul_work())
        throw Skip{large_matmul_reason()};

    // Every key the schema gives the kind, plus the block sizes; anything else is reported unused.
    static const std::set<std::string> known = {"M",
                                                "K",
                                                "N",
                                                "in0_dtype",
                                                "in1_dtype",
                                                "out_dtype",
                                                "math_fidelity",
                                                "grid_x",
                                                "grid_y",
                                                "in0_mem",
                                                "in1_mem",
                                                "out_mem",
                                                "fp32_dest_acc",
                                                "packer_l1_acc",
                                                "program",
                                                "mcast_in0"};
    for (const auto& [key, value] : c.params.items()) {
        const bool block = std::any_of(std::begin(kBlockParams), std::end(kBlockParams),
                                       [&](const BlockParam& b) { return key == b.key; });
        if (!known.count(key) && !block)
            out.notes.push_back(fmt::format("{} = {}: not used", key, value.dump()));
    }

    const ops::DType d0 = dtype_param(p, "in0_dtype"), d1 = dtype_param(p, "in1_dtype");
    ops::MatmulConfig cfg;
    cfg.out_dtype = dtype_param(p, "out_dtype");
    cfg.math_fidelity = fidelity_param(p);
    const std::string program = p.need<std::string>("program");
    try {
        cfg.program = ops::parse_program(program);
    } catch (const std::invalid_argument&) {
        throw Skip{fmt::format("params.program: unknown matmul program '{}'", program)};
    }
    cfg.grid_x = p.need<uint32_t>("grid_x");
    cfg.grid_y = p.need<uint32_t>("grid_y");
    if (cfg.grid_x == 0 || cfg.grid_y == 0)
        throw Skip{fmt::format("an empty {}x{} grid", cfg.grid_x, cfg.grid_y)};
    const ops::MemoryConfig a_mem = memory_param(p, "in0_mem"), b_mem = memory_param(p, "in1_mem");
    cfg.out_mem = memory_param(p, "out_mem");
    cfg.fp32_dest_acc = flag_or_false(p, "fp32_dest_acc", out.notes);
    cfg.packer_l1_acc = p.get<bool>("packer_l1_acc");  // unset: the op layer's default
    cfg.mcast_in0 = p.get<bool>("mcast_in0");
    std::vector<std::string> fixed;
    for (const auto& b : kBlockParams)
        if (auto v = p.get<uint32_t>(b.key)) {
            cfg.*b.field = *v;
            fixed.push_back(fmt::format("{} {}", b.key, *v));
        }

    const ops::Shape sa{1, M, K}, sb{1, K, N};
    ops::MatmulPlan ran;
    tensim::ProgramStats st;
    try {
        // Plan first: it completes the sharded requests (grid, shard shape) the operands need.
        const ops::MatmulPlan plan =
            ops::plan_matmul(s.device(), {sa, sb, d0, d1, a_mem, b_mem, false}, cfg);
        // Cycles do not depend on the values, so the inputs are allocated, not written.
        const ops::Tensor a = ops::Tensor::allocate(s.device(), sa, d0, plan.a_mem);
        const ops::Tensor b = ops::Tensor::allocate(s.device(), sb, d1, plan.b_mem);
        [[maybe_unused]] const ops::Tensor result = ops::matmul(a, b, cfg, &ran);
        st = tensim::last_program_stats(s.device());
    } catch (const std::invalid_argument& e) {
        throw Skip{fmt::format("not expressible: {}", e.what())};
    }
    double fpu = 0;
    for (const auto& cs : st.compute) fpu += cs.fpu_utilization;
    if (!st.compute.empty()) fpu /= double(st.compute.size());

    if (cfg.program == ops::MatmulProgram::automatic)
        out.notes.push_back(
            fmt::format("program auto: the planner chose {}", ops::program_name(ran.program)));
    if (!fixed.empty()) {
        std::string list;
        for (const auto& f : fixed) list += (list.empty() ? "" : ", ") + f;
        out.notes.push_back(fmt::format("block sizes given: {}", list));
    }
    if (!p.stated("packer_l1_acc"))
        out.notes.push_back(
            fmt::format("packer_l1_acc: {} (not stated; op layer default: on, off with at most 2 K "
                        "blocks)",
                        ran.packer_l1_acc ? "on" : "off"));
    out.notes.push_back(ran.describe());
    out.notes.push_back(fmt::format("in0 {}, in1 {}, out {}", ops::describe(ran.a_mem),
                                    ops::describe(ran.b_mem), ops::describe(ran.out_mem)));
    out.notes.push_back(
        fmt::format("FPU utilization {:.1f}% (mean over {} cores)", 100 * fpu, st.compute.size()));
    out.value = c.metric == "cycles" ? double(st.device_cycles) : st.device_time_us;
    return out;
}
}  // namespace

Prediction predict(bench::Session& s, const Case& c, bool include_large) {
    const Params p(c.params);
    if (c.kind == "noc_latency") return predict_noc_latency(s, c, p);
    if (c.kind == "noc_transfer") return predict_noc_transfer(s, c, p);
    if (c.kind == "dram_read" || c.kind == "dram_write") return predict_dram(s, c, p);
    if (c.kind == "sfpu") return predict_sfpu(s, c, p);
    if (c.kind == "matmul_single_core") return predict_matmul_single_core(s, c, p);
    if (c.kind == "eth_latency" || c.kind == "eth_transfer") return predict_eth(c, p);
    if (c.kind == "llm_e2e" || c.kind == "llm_op" || c.kind == "model_device")
        return predict_llm(s, c);
    return predict_matmul(s, c, p, include_large);
}

}  // namespace tensim::calibrate
