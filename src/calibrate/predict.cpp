// `tensim calibrate` (see calibrate.hpp): case files in, predicted beside measured out.
#include "calibrate.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
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

#include <unistd.h>
#include <tt-metalium/host_api.hpp>

#include "bench.hpp"
#include "common/error.hpp"
#include "plot.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"

namespace tensim::calibrate {

namespace {

using namespace tt::tt_metal;
using bench::Session;
using bench::Xy;

// Thrown while preparing a case: the case is reported as skipped with this reason.
struct Skip {
    std::string reason;
};

// Typed access to a case's flat params object. A key that is missing or null is "not stated";
// a value of the wrong type makes the case inexpressible.
class Params {
  public:
    explicit Params(const nlohmann::json& p) : m_p(p) {}

    bool stated(const char* key) const { return m_p.contains(key) && !m_p.at(key).is_null(); }

    template <typename T>
    std::optional<T> get(const char* key) const {
        if (!stated(key)) return std::nullopt;
        const auto& v = m_p.at(key);
        if constexpr (std::is_same_v<T, bool>) {
            if (v.is_boolean()) return v.get<bool>();
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (v.is_string()) return v.get<std::string>();
        } else if constexpr (std::is_integral_v<T>) {
            if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<T>(v.get<int64_t>());
            if (v.is_number_unsigned()) return static_cast<T>(v.get<uint64_t>());
        } else {
            if (v.is_number()) return v.get<T>();
        }
        throw Skip{fmt::format("params.{} = {} is not a {}", key, v.dump(), type_name<T>())};
    }

    template <typename T>
    T need(const char* key) const {
        auto v = get<T>(key);
        if (!v) throw Skip{fmt::format("params.{} is {}", key, m_p.contains(key) ? "null" : "missing")};
        return *v;
    }

  private:
    template <typename T>
    static const char* type_name() {
        if constexpr (std::is_same_v<T, bool>) return "boolean";
        else if constexpr (std::is_same_v<T, std::string>) return "string";
        else if constexpr (std::is_integral_v<T>) return "non-negative integer";
        else return "number";
    }
    const nlohmann::json& m_p;
};

// What one kind's simulation produced: the value in the case's metric, and the notes.
struct Prediction {
    double value = 0;
    std::vector<std::string> notes;
};

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
    if (c.metric != "latency_cycles") throw Skip{fmt::format("metric '{}' not simulated for noc_latency", c.metric)};
    const std::string dir = p.need<std::string>("direction"), mem = p.need<std::string>("memory");
    if (dir != "read" && dir != "write") throw Skip{fmt::format("direction '{}' is neither read nor write", dir)};
    if (mem != "l1" && mem != "dram") throw Skip{fmt::format("memory '{}' is neither l1 nor dram", mem)};
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
    const bool round_robin = *pat == bench::NocPattern::one_to_all_unicast || *pat == bench::NocPattern::one_from_all;
    if (*pat == bench::NocPattern::one_to_one || *pat == bench::NocPattern::one_from_one) {
        if (o.peers != 1) throw Skip{fmt::format("{} with {} cores", pattern, o.peers)};
        if (auto sa = p.get<bool>("same_axis"))
            o.same_axis = *sa;
        else
            out.notes.push_back("same_axis: true (not stated; the peer is the neighbour in the row)");
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
        out.notes.push_back(fmt::format("transaction_bytes: best of a 256 B..64 KiB sweep, {} ({:.2f} B/cycle)",
                                        bytes_text(best_size), best));
    if (!n) out.notes.push_back(fmt::format("num_transactions: {} (not stated; >= 2 MiB moved)", best_n));
    out.value = bandwidth_in(c.metric, best, s.clock_ghz());
    return out;
}

// ---- dram_read / dram_write --------------------------------------------------------------------

Prediction predict_dram(Session& s, const Case& c, const Params& p) {
    Prediction out;
    const bool write = c.kind == "dram_write";
    if (auto w = p.get<std::string>("workload"))
        throw Skip{fmt::format("describes a class of ops (workload {}), not one configuration", *w)};
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
    const uint32_t align = s.config().chip.dram_alignment_bytes;
    if (auto b = p.get<uint64_t>("bytes_per_core")) {
        o.bytes_per_core = *b;
    } else if (auto total = p.get<uint64_t>("total_bytes")) {
        o.bytes_per_core = (*total / o.cores + align - 1) / align * align;
        out.notes.push_back(fmt::format("bytes_per_core: {} (not stated; total_bytes / cores)", o.bytes_per_core));
    } else {
        throw Skip{"neither bytes_per_core nor total_bytes is stated"};
    }
    if (o.bytes_per_core == 0) throw Skip{"no bytes to move"};
    o.noc = noc_or_default(p, out.notes);
    if (auto vc = p.get<std::string>("vc")) {
        if (*vc != "static" && *vc != "dynamic") throw Skip{fmt::format("vc '{}' is neither static nor dynamic", *vc)};
        o.dynamic_vc = *vc == "dynamic";
        if (!write && o.dynamic_vc)
            out.notes.push_back("vc: dynamic has no effect on reads (only write data backs up before DRAM)");
    } else if (write) {
        out.notes.push_back("vc: static (not stated; TT-Metal's writes use NOC_UNICAST_WRITE_VC)");
    }
    if (auto gtps = p.get<double>("dram_speed_gtps"); gtps && *gtps != 12)
        out.notes.push_back(fmt::format("dram_speed_gtps: {} not modelled (channels run at the architecture's rate)",
                                        *gtps));
    if (auto stated = p.get<uint32_t>("transaction_bytes")) {
        o.transaction_bytes = *stated;
    } else {
        // The largest power of two up to one NoC packet that divides the bytes per core.
        uint32_t t = s.config().chip.noc.max_packet_payload_bytes;
        while (t > align && o.bytes_per_core % t != 0) t /= 2;
        if (o.bytes_per_core % t != 0)
            throw Skip{fmt::format("{} B per core is not a multiple of the {} B DRAM alignment", o.bytes_per_core,
                                   align)};
        o.transaction_bytes = t;
        out.notes.push_back(fmt::format("transaction_bytes: {} (not stated; largest packet dividing the data)", t));
    }
    if (o.transaction_bytes % align != 0 || o.bytes_per_core % o.transaction_bytes != 0)
        throw Skip{fmt::format("{} B per core in {} B transactions: not whole, aligned transactions",
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
            out.notes.push_back("test dram_read_remote_cb_sync: the forwarding to receiver cores is not simulated, "
                                "only the reader streaming its bank");
        else if (*test == "dram_read_l1_write_core")
            out.notes.push_back("test dram_read_l1_write_core: readers stream their banks into their own L1");
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
    if (op == "sigmoid") return SfpuCall{"sigmoid_tile_init<" + a + ">()", "sigmoid_tile<VectorMode::RC, " + a + ">(i)"};
    if (op == "exp") return SfpuCall{"exp_tile_init<" + a + ">()", "exp_tile<" + a + ">(i)"};
    if (op == "rsqrt") return SfpuCall{"rsqrt_tile_init<" + a + ">()", "rsqrt_tile<" + a + ">(i)"};
    if (op == "recip" || op == "reciprocal") return SfpuCall{"recip_tile_init()", "recip_tile(i)"};
    if (op == "neg" || op == "negative") return SfpuCall{"negative_tile_init()", "negative_tile(i)"};
    static const std::set<std::string> plain = {"log",  "sqrt", "silu", "relu", "tanh", "abs",  "square",
                                                "sign", "exp2", "expm1", "sin", "cos",  "tan",  "log1p",
                                                "erf"};
    if (plain.count(op)) return SfpuCall{op + "_tile_init()", op + "_tile(i)"};
    return std::nullopt;
}

// Math-thread cycles of one run of kernels/calibrate/sfpu_loop.cpp.
uint64_t sfpu_math_cycles(Session& s, const SfpuCall& op, bool approx, bool fp32_dest, tt::DataFormat in_fmt,
                          tt::DataFormat out_fmt, uint32_t tiles, uint32_t repeats) {
    const CoreCoord core{0, 0};
    Program program = CreateProgram();
    const uint32_t in_tile = tt::tile_size(in_fmt), out_tile = tt::tile_size(out_fmt);
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(tiles * in_tile, {{tt::CBIndex::c_0, in_fmt}})
                             .set_page_size(tt::CBIndex::c_0, in_tile));
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(tiles * out_tile, {{tt::CBIndex::c_16, out_fmt}})
                             .set_page_size(tt::CBIndex::c_16, out_tile));
    KernelHandle pub = CreateKernel(program, "kernels/calibrate/publish_inputs.cpp", core,
                                    DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                       .noc = NOC::NOC_0});
    SetRuntimeArgs(program, pub, core, {tiles, 0u});
    KernelHandle k = CreateKernel(program, "kernels/calibrate/sfpu_loop.cpp", core,
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
    const tt::DataFormat in_fmt = format_param(p, "in_dtype"), out_fmt = format_param(p, "out_dtype");
    if (auto scope = p.get<std::string>("scope"); scope && *scope != "math_only")
        throw Skip{fmt::format("scope '{}' is not simulated (only math_only)", *scope)};
    const auto op = sfpu_call(op_name, approx);
    if (!op) throw Skip{fmt::format("SFPU op '{}' is not in the simulator's compute API", op_name)};
    uint32_t tiles = 0;
    if (auto t = p.get<uint32_t>("tiles_per_loop_inferred")) {
        tiles = *t;
    } else if (c.metric == "cycles_per_tile") {
        tiles = 128;
        out.notes.push_back("tiles in the loop: 128 (not stated; the per-tile figure does not depend on it)");
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
    const uint64_t with = sfpu_math_cycles(s, *op, approx, fp32_dest, in_fmt, out_fmt, held, repeats);
    const uint64_t without = sfpu_math_cycles(s, *op, approx, fp32_dest, in_fmt, out_fmt, held, 0);
    const double loop = double(with) - double(without);
    out.notes.push_back(fmt::format("{} Dst-resident tiles x {} repeats of {}; math-thread loop cycles", held,
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
    if (v == 0 || v % 32 != 0) throw Skip{fmt::format("params.{} = {} is not a positive multiple of 32", key, v)};
    return v / 32;
}

Prediction predict_matmul_single_core(Session& s, const Case& c, const Params& p) {
    Prediction out;
    if (c.metric != "cycles") throw Skip{fmt::format("metric '{}' not simulated for matmul_single_core", c.metric)};
    const uint32_t Mt = tiles_of(p, "M"), Nt = tiles_of(p, "N"), Kb = tiles_of(p, "K_per_block");
    const uint32_t num_blocks = p.need<uint32_t>("num_blocks");
    const uint32_t sh = p.need<uint32_t>("out_subblock_h"), sw = p.need<uint32_t>("out_subblock_w");
    const tt::DataFormat in0_fmt = format_param(p, "in0_dtype"), in1_fmt = format_param(p, "in1_dtype"),
                         out_fmt = format_param(p, "out_dtype");
    const MathFidelity fidelity = fidelity_param(p);
    const bool fp32_dest = flag_or_false(p, "fp32_dest_acc", out.notes);
    const bool l1_acc = flag_or_false(p, "packer_l1_acc", out.notes);
    if (auto in = p.get<std::string>("inputs"); in && *in != "l1_resident")
        throw Skip{fmt::format("inputs '{}' not simulated (only l1_resident)", *in)};
    if (num_blocks == 0) throw Skip{"num_blocks is 0"};
    if (sh == 0 || sw == 0 || Mt % sh != 0 || Nt % sw != 0)
        throw Skip{fmt::format("a {}x{} sub-block does not tile the {}x{}-tile output", sh, sw, Mt, Nt)};
    if (sh * sw > dst_tiles(fp32_dest))
        throw Skip{fmt::format("a {}x{} sub-block exceeds Dst ({} tiles{})", sh, sw, dst_tiles(fp32_dest),
                               fp32_dest ? " with fp32 accumulation" : "")};

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
    const uint64_t need = in0_bytes + in1_bytes + out_bytes + interm_bytes + 4 * 32;  // + CB alignment
    if (need > l1_free)
        throw Skip{fmt::format("one K block of in0 and in1 plus the output need {} KiB of L1; {} KiB are free",
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
    KernelHandle pub = CreateKernel(program, "kernels/calibrate/publish_inputs.cpp", core,
                                    DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                       .noc = NOC::NOC_0});
    SetRuntimeArgs(program, pub, core, {in0_tiles, in1_tiles});
    const uint32_t use_block = 1;
    CreateKernel(program, "kernels/calibrate/bmm_large_block_zm.cpp", core,
                 ComputeConfig{.math_fidelity = fidelity,
                               .fp32_dest_acc_en = fp32_dest,
                               .compile_args = {Kb, Mt / sh, in0_tiles, sh * Kb, Nt / sw, in1_tiles, Nt, num_blocks,
                                                sh, sw, sh * sw, uint32_t(l1_acc), use_block,
                                                uint32_t(l1_acc && !shared)}});
    EnqueueProgram(s.device()->command_queue(), program, true);
    uint64_t cycles = 0;
    for (const char* risc : {"TRISC0", "TRISC1", "TRISC2"}) cycles = std::max(cycles, s.kernel_cycles({0, 0}, risc));
    out.notes.push_back(fmt::format("matmul_block over {}x{} sub-blocks, {} K blocks of {} tiles; partials {} in {}",
                                    sh, sw, num_blocks, Kb, l1_acc ? "accumulated by the packer" : "spilled and reloaded",
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
    {"in0_block_w", &ops::MatmulConfig::in0_block_w},       {"per_core_M", &ops::MatmulConfig::per_core_M},
    {"per_core_N", &ops::MatmulConfig::per_core_N},         {"out_block_h", &ops::MatmulConfig::out_block_h},
    {"out_block_w", &ops::MatmulConfig::out_block_w},       {"out_subblock_h", &ops::MatmulConfig::out_subblock_h},
    {"out_subblock_w", &ops::MatmulConfig::out_subblock_w},
};

Prediction predict_matmul(Session& s, const Case& c, const Params& p, bool include_large) {
    Prediction out;
    if (c.metric != "device_time_us" && c.metric != "cycles")
        throw Skip{fmt::format("metric '{}' not simulated for matmul", c.metric)};
    const uint32_t M = p.need<uint32_t>("M"), K = p.need<uint32_t>("K"), N = p.need<uint32_t>("N");
    if (M == 0 || K == 0 || N == 0) throw Skip{"an empty matmul"};
    if (!include_large && double(M) * double(N) * double(K) > large_matmul_work()) throw Skip{large_matmul_reason()};

    // Every key the schema gives the kind, plus the block sizes; anything else is reported unused.
    static const std::set<std::string> known = {
        "M",       "K",       "N",       "in0_dtype",     "in1_dtype",     "out_dtype", "math_fidelity", "grid_x",
        "grid_y",  "in0_mem", "in1_mem", "out_mem",       "fp32_dest_acc", "packer_l1_acc", "program", "mcast_in0"};
    for (const auto& [key, value] : c.params.items()) {
        const bool block = std::any_of(std::begin(kBlockParams), std::end(kBlockParams),
                                       [&](const BlockParam& b) { return key == b.key; });
        if (!known.count(key) && !block) out.notes.push_back(fmt::format("{} = {}: not used", key, value.dump()));
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
    if (cfg.grid_x == 0 || cfg.grid_y == 0) throw Skip{fmt::format("an empty {}x{} grid", cfg.grid_x, cfg.grid_y)};
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
        const ops::MatmulPlan plan = ops::plan_matmul(s.device(), {sa, sb, d0, d1, a_mem, b_mem, false}, cfg);
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
        out.notes.push_back(fmt::format("program auto: the planner chose {}", ops::program_name(ran.program)));
    if (!fixed.empty()) {
        std::string list;
        for (const auto& f : fixed) list += (list.empty() ? "" : ", ") + f;
        out.notes.push_back(fmt::format("block sizes given: {}", list));
    }
    if (!p.stated("packer_l1_acc"))
        out.notes.push_back(fmt::format("packer_l1_acc: {} (not stated; op layer default: on, off with at most 2 K "
                                        "blocks)",
                                        ran.packer_l1_acc ? "on" : "off"));
    out.notes.push_back(ran.describe());
    out.notes.push_back(fmt::format("in0 {}, in1 {}, out {}", ops::describe(ran.a_mem), ops::describe(ran.b_mem),
                                    ops::describe(ran.out_mem)));
    out.notes.push_back(fmt::format("FPU utilization {:.1f}% (mean over {} cores)", 100 * fpu, st.compute.size()));
    out.value = c.metric == "cycles" ? double(st.device_cycles) : st.device_time_us;
    return out;
}

// Why a kind this runner does not simulate is skipped.
std::string unsimulated_kind_reason(const std::string& kind) {
    if (kind == "ccl" || kind == "eth_transfer" || kind == "eth_latency")
        return "multi-chip Ethernet traffic is not modelled yet";
    if (kind == "llm_e2e" || kind == "llm_op" || kind == "model_device")
        return "whole-model workloads are not simulated (no model is built from the op layer yet)";
    return fmt::format("kind '{}' is not simulated by tensim calibrate", kind);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

// Six significant digits, without switching large counts to exponent form.
std::string number_text(double v) {
    return std::abs(v) >= 1e5 && std::abs(v) < 1e15 ? fmt::format("{:.0f}", v) : fmt::format("{:.6g}", v);
}

nlohmann::ordered_json summary_json(const Summary& s) {
    nlohmann::ordered_json j{{"count", s.count}, {"skipped", s.skipped}};
    if (s.count) {
        j["median_abs_error_pct"] = s.median_abs_error_pct;
        j["p90_abs_error_pct"] = s.p90_abs_error_pct;
    } else {
        j["median_abs_error_pct"] = nullptr;
        j["p90_abs_error_pct"] = nullptr;
    }
    return j;
}

}  // namespace

// ---- cases -------------------------------------------------------------------------------------

std::vector<Case> parse_cases(const nlohmann::json& cases, const std::string& origin) {
    if (!cases.is_array()) throw ConfigError(fmt::format("{}: expected a JSON array of case objects", origin));
    std::vector<Case> out;
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto& j = cases[i];
        const std::string where = fmt::format("{}: case {}", origin, i);
        if (!j.is_object()) throw ConfigError(where + ": not an object");
        auto str = [&](const char* key, bool required) -> std::string {
            if (!j.contains(key) || j.at(key).is_null()) {
                if (required) throw ConfigError(fmt::format("{}: '{}' is missing", where, key));
                return "";
            }
            if (!j.at(key).is_string()) throw ConfigError(fmt::format("{}: '{}' is not a string", where, key));
            return j.at(key).get<std::string>();
        };
        Case c;
        c.id = str("id", true);
        const std::string at = fmt::format("{}: case {}", origin, c.id);
        c.kind = str("kind", true);
        c.metric = str("metric", true);
        c.system = str("system", false);
        c.measured_kind = str("measured_kind", false);
        c.source = str("source", false);
        c.notes = str("notes", false);
        if (!j.contains("measured") || !j.at("measured").is_number())
            throw ConfigError(at + ": 'measured' is missing or not a number");
        c.measured = j.at("measured").get<double>();
        c.params = j.value("params", nlohmann::json::object());
        if (!c.params.is_object()) throw ConfigError(at + ": 'params' is not an object");
        c.file = origin;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<Case> load_cases(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw HostError(fmt::format("calibrate: cannot open {}", file));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
    return parse_cases(j, file);
}

const std::vector<std::string>& simulated_kinds() {
    static const std::vector<std::string> kinds = {"noc_latency", "noc_transfer",       "dram_read", "dram_write",
                                                   "sfpu",        "matmul_single_core", "matmul"};
    return kinds;
}

double large_matmul_work() { return std::ldexp(1.0, 40); }

const std::string& large_matmul_reason() {
    static const std::string reason = "too large for the default run; pass --include-large to simulate";
    return reason;
}

// ---- running -----------------------------------------------------------------------------------

Runner::Runner(const Options& opt) : m_opt(opt) { tensim::set_numerics(opt.numerics); }
Runner::~Runner() = default;

bench::Session& Runner::session() {
    if (!m_session) m_session = std::make_unique<bench::Session>();
    return *m_session;
}

Result Runner::run(const Case& c) {
    Result r{.id = c.id, .kind = c.kind, .metric = c.metric, .measured = c.measured};
    const auto& kinds = simulated_kinds();
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
        r.skip_reason = unsimulated_kind_reason(c.kind);
        return r;
    }
    try {
        if (!(c.measured > 0)) throw Skip{"the measured value is not positive"};
        const Params p(c.params);
        Prediction pred;
        if (c.kind == "noc_latency")
            pred = predict_noc_latency(session(), c, p);
        else if (c.kind == "noc_transfer")
            pred = predict_noc_transfer(session(), c, p);
        else if (c.kind == "dram_read" || c.kind == "dram_write")
            pred = predict_dram(session(), c, p);
        else if (c.kind == "sfpu")
            pred = predict_sfpu(session(), c, p);
        else if (c.kind == "matmul_single_core")
            pred = predict_matmul_single_core(session(), c, p);
        else
            pred = predict_matmul(session(), c, p, m_opt.include_large);
        r.predicted = pred.value;
        r.error_pct = (pred.value / c.measured - 1) * 100;
        r.notes = std::move(pred.notes);
    } catch (const Skip& s) {
        r.skip_reason = s.reason;
    } catch (const tensim::HostError& e) {
        // The host API refused the configuration (placement, sizes): not expressible.
        r.skip_reason = fmt::format("not expressible: {}", e.what());
    }
    return r;
}

std::vector<Result> run_cases(const std::vector<Case>& cases, const Options& opt,
                              const std::function<void(const Result&)>& on_result) {
    Runner runner(opt);
    std::vector<Result> out;
    for (const auto& c : cases) {
        out.push_back(runner.run(c));
        if (on_result) on_result(out.back());
    }
    return out;
}

// ---- summary and output ------------------------------------------------------------------------

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (rank - double(lo)) * (v[hi] - v[lo]);
}

std::vector<Summary> summarize(const std::vector<Result>& results) {
    std::vector<std::string> order;
    for (const auto& k : simulated_kinds())
        for (const auto& r : results)
            if (r.kind == k) {
                order.push_back(k);
                break;
            }
    for (const auto& r : results)
        if (std::find(order.begin(), order.end(), r.kind) == order.end()) order.push_back(r.kind);
    auto make = [&](const std::string& name, auto&& pick) {
        Summary s{.kind = name};
        std::vector<double> errs;
        for (const auto& r : results) {
            if (!pick(r)) continue;
            if (r.skipped())
                s.skipped++;
            else
                errs.push_back(std::abs(*r.error_pct));
        }
        s.count = errs.size();
        s.median_abs_error_pct = percentile(errs, 50);
        s.p90_abs_error_pct = percentile(errs, 90);
        return s;
    };
    std::vector<Summary> out;
    for (const auto& k : order) out.push_back(make(k, [&](const Result& r) { return r.kind == k; }));
    out.push_back(make("overall", [](const Result&) { return true; }));
    return out;
}

nlohmann::ordered_json to_json(const std::vector<Result>& results) {
    nlohmann::ordered_json cases = nlohmann::ordered_json::array();
    for (const auto& r : results) {
        nlohmann::ordered_json j{{"id", r.id}, {"kind", r.kind}, {"metric", r.metric}, {"measured", r.measured}};
        j["predicted"] = r.predicted ? nlohmann::ordered_json(*r.predicted) : nlohmann::ordered_json(nullptr);
        j["error_pct"] = r.error_pct ? nlohmann::ordered_json(*r.error_pct) : nlohmann::ordered_json(nullptr);
        j["status"] = r.skipped() ? "skipped" : "simulated";
        if (r.skipped()) j["reason"] = r.skip_reason;
        j["notes"] = r.notes;
        cases.push_back(std::move(j));
    }
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object(), overall;
    for (const auto& s : summarize(results)) {
        if (s.kind == "overall")
            overall = summary_json(s);
        else
            kinds[s.kind] = summary_json(s);
    }
    return {{"cases", cases}, {"summary", {{"kinds", kinds}, {"overall", overall}}}};
}

std::string to_csv(const std::vector<Result>& results) {
    std::string out = "id,kind,metric,measured,predicted,error_pct,status,detail\n";
    for (const auto& r : results) {
        std::string detail = r.skip_reason;
        for (const auto& n : r.notes) detail += (detail.empty() ? "" : "; ") + n;
        out += fmt::format("{},{},{},{},{},{},{},{}\n", csv_field(r.id), csv_field(r.kind), csv_field(r.metric),
                           number_text(r.measured), r.predicted ? number_text(*r.predicted) : "",
                           r.error_pct ? fmt::format("{:.2f}", *r.error_pct) : "",
                           r.skipped() ? "skipped" : "simulated", csv_field(detail));
    }
    return out;
}

std::string format_table_header(size_t w) {
    return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  {:>8}\n", "id", w, "kind", "measured", "predicted", "error") +
           std::string(w + 60, '-') + "\n";
}

std::string format_row(const Result& r, size_t w) {
    if (r.skipped())
        return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  skipped: {}\n", r.id, w, r.kind, number_text(r.measured),
                           "-", r.skip_reason);
    return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  {:>+7.1f}%\n", r.id, w, r.kind, number_text(r.measured),
                       number_text(*r.predicted), *r.error_pct);
}

std::string format_notes(const std::vector<Result>& results) {
    std::string out;
    for (const auto& r : results) {
        if (r.notes.empty()) continue;
        out += fmt::format("  {}: ", r.id);
        for (size_t i = 0; i < r.notes.size(); ++i) out += (i ? "; " : "") + r.notes[i];
        out += "\n";
    }
    return out.empty() ? out : "notes (defaults taken, parameters not modelled, what ran):\n" + out;
}

std::string format_summary(const std::vector<Summary>& summaries) {
    std::string out = "summary (|error| = |predicted / measured - 1|):\n";
    for (const auto& s : summaries) {
        if (s.count)
            out += fmt::format("  {:<20} {:>4} cases  median |error| {:>6.1f}%  p90 |error| {:>6.1f}%{}\n", s.kind,
                               s.count, s.median_abs_error_pct, s.p90_abs_error_pct,
                               s.skipped ? fmt::format("  ({} skipped)", s.skipped) : "");
        else
            out += fmt::format("  {:<20} {:>4} cases  ({} skipped)\n", s.kind, 0, s.skipped);
    }
    return out;
}

// ---- command line ------------------------------------------------------------------------------

namespace {

// Where CLI11 puts the positional file names.
std::vector<std::string>& cli_files() {
    static std::vector<std::string> files;
    return files;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path);
    if (!f) throw HostError(fmt::format("calibrate: cannot write {}", path));
    f << text;
    if (!f) throw HostError(fmt::format("calibrate: error writing {}", path));
}

}  // namespace

void add_calibrate(CLI::App& app) {
    auto* cal = app.add_subcommand(
        "calibrate", "Simulate the measured cases of calibration files and compare with silicon");
    cal->add_option("files", cli_files(), "Case files (../shared/calibration/*.json)")
        ->required()
        ->check(CLI::ExistingFile);
    cal->add_option("--json", "Write the cases and summary as JSON to this file")->type_name("OUT");
    cal->add_option("--csv", "Write the cases as CSV to this file")->type_name("OUT");
    cal->add_option("--plot", "Draw predicted vs measured on log axes to this PNG (needs python3-matplotlib)")
        ->type_name("OUT.png");
    cal->add_option("--numerics", "faithful, fast or timing (cycles are the same in all)")
        ->default_val("timing")
        ->check(CLI::IsMember({"faithful", "fast", "timing"}));
    cal->add_option("--set", "Override an architecture constant for every case: key=value (e.g. "
                             "noc.router_hop_cycles=8); repeatable")
        ->type_name("KEY=VALUE");
    cal->add_flag("--include-large")->description(
        fmt::format("Also simulate matmul cases with M*N*K above 2^{} (a 16384^3 matmul takes over a minute)",
                    std::ilogb(large_matmul_work())));
}

bool calibrate_requested(const CLI::App& app) {
    const CLI::App* cal = app.get_subcommand("calibrate");
    return cal && cal->parsed();
}

int run_calibrate(const CLI::App& app) {
    const CLI::App& cmd = *app.get_subcommand("calibrate");
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<std::string> files = cli_files();
    std::vector<Case> cases;
    for (const auto& f : files) {
        auto more = load_cases(f);
        cases.insert(cases.end(), more.begin(), more.end());
    }
    std::set<std::string> ids;
    for (const auto& c : cases)
        if (!ids.insert(c.id).second) throw ConfigError(fmt::format("calibrate: case id {} appears twice", c.id));
    size_t w = 2;
    for (const auto& c : cases) w = std::max(w, c.id.size());

    if (cmd.count("--set"))
        tensim::set_system(tensim::system_name(), cmd.get_option("--set")->as<std::vector<std::string>>());
    Options opt;
    opt.numerics = cmd.get_option("--numerics")->as<std::string>();
    opt.include_large = cmd.count("--include-large") > 0;
    fmt::print("tensim calibrate: {} cases from {} file(s), system {}, {} numerics\n", cases.size(), files.size(),
               tensim::system_name(), opt.numerics);
    std::fputs(format_table_header(w).c_str(), stdout);
    std::fflush(stdout);
    const auto results = run_cases(cases, opt, [&](const Result& r) {
        std::fputs(format_row(r, w).c_str(), stdout);
        std::fflush(stdout);
    });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (const std::string notes = format_notes(results); !notes.empty()) std::fputs(("\n" + notes).c_str(), stdout);
    std::fputs(("\n" + format_summary(summarize(results))).c_str(), stdout);
    size_t skipped = 0;
    for (const auto& r : results) skipped += r.skipped();
    fmt::print("{} simulated, {} skipped, wall {:.1f} s\n", results.size() - skipped, skipped, wall);

    const auto j = to_json(results);
    std::string json_path = cmd.count("--json") ? cmd.get_option("--json")->as<std::string>() : "";
    if (!json_path.empty()) write_file(json_path, j.dump(2) + "\n");
    if (cmd.count("--csv")) write_file(cmd.get_option("--csv")->as<std::string>(), to_csv(results));
    if (cmd.count("--plot")) {
        const std::string png = cmd.get_option("--plot")->as<std::string>();
        std::string tmp;
        if (json_path.empty()) {
            tmp = (std::filesystem::temp_directory_path() / fmt::format("tensim-calibrate-{}.json", ::getpid()))
                      .string();
            write_file(tmp, j.dump() + "\n");
        }
        bool drawn = false;
        try {
            drawn = plot::run_script("plot_calibration.py", {json_path.empty() ? tmp : json_path, png}, "calibrate");
        } catch (...) {
            if (!tmp.empty()) std::filesystem::remove(tmp);
            throw;
        }
        if (!tmp.empty()) std::filesystem::remove(tmp);
        if (drawn) fmt::print("plot: {}\n", png);
    }
    return 0;
}

}  // namespace tensim::calibrate
