// `tensim bench`: data-movement microbenchmarks (see bench.hpp) and their command line.
#include "bench.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <tt-metalium/host_api.hpp>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "jit/kernel_build.hpp"

namespace tensim::bench {

namespace {

using namespace tt::tt_metal;

// Kernel paths are relative to the source root; the runtime resolves them.
const char* const kTransactionsKernel = "kernels/bench/noc_transactions.cpp";

int distance(Xy a, Xy b) { return std::abs(a.x - b.x) + std::abs(a.y - b.y); }

// Same row or same column, but not the same tile.
bool same_axis(Xy a, Xy b) { return (a.x == b.x) != (a.y == b.y); }

CoreCoord coord(Xy c) { return {static_cast<size_t>(c.x), static_cast<size_t>(c.y)}; }

// One open device, and the architecture it was built from (for placement and kernel_start_cycles).
class Session {
  public:
    Session() : m_cfg(load_system(system_name())), m_device(CreateDevice(0)) {}
    ~Session() { CloseDevice(m_device); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    IDevice* device() const { return m_device; }
    const SystemConfig& config() const { return m_cfg; }
    uint64_t kernel_start_cycles() const { return m_cfg.chip.risc.kernel_start_cycles; }

    Xy noc_xy(Xy logical) const {
        if (logical.x < 0 || logical.y < 0 || logical.x >= m_cfg.grid_x() ||
            logical.y >= m_cfg.grid_y())
            throw HostError(fmt::format("bench: core ({},{}) is outside the {}x{} worker grid",
                                        logical.x, logical.y, m_cfg.grid_x(), m_cfg.grid_y()));
        return {m_cfg.worker_cols[logical.x], m_cfg.worker_rows[logical.y]};
    }
    Xy bank_xy(int bank) const {
        const auto banks = m_cfg.chip.dram_banks();
        if (bank < 0 || bank >= static_cast<int>(banks.size()))
            throw HostError(
                fmt::format("bench: DRAM bank {} does not exist ({} banks)", bank, banks.size()));
        return {banks[bank].endpoint.x, banks[bank].endpoint.y};
    }
    int num_banks() const { return static_cast<int>(m_cfg.chip.dram_banks().size()); }

    // The logical worker nearest to NoC0 tile `to` whose NoC0 position passes `ok`.
    template <typename Ok>
    Xy nearest_worker(Xy to, Ok ok) const {
        std::optional<Xy> best;
        for (int y = 0; y < m_cfg.grid_y(); ++y)
            for (int x = 0; x < m_cfg.grid_x(); ++x) {
                Xy xy = noc_xy({x, y});
                if (ok(xy) && (!best || distance(xy, to) < distance(noc_xy(*best), to)))
                    best = Xy{x, y};
            }
        if (!best) throw HostError("bench: no worker core fits the requested placement");
        return *best;
    }
    template <typename Ok>
    int nearest_bank(Xy to, Ok ok) const {
        int best = -1;
        for (int b = 0; b < num_banks(); ++b)
            if (ok(bank_xy(b)) &&
                (best < 0 || distance(bank_xy(b), to) < distance(bank_xy(best), to)))
                best = b;
        if (best < 0) throw HostError("bench: no DRAM bank fits the requested placement");
        return best;
    }

    // Cycles from kernel_main's first call to its end for the kernel on `core` run by `risc`.
    uint64_t kernel_cycles(Xy core, const std::string& risc) const {
        for (const auto& k : tensim::last_program_stats(m_device).kernels)
            if (k.core_x == core.x && k.core_y == core.y && k.risc == risc)
                return k.end_cycle - k.start_cycle - kernel_start_cycles();
        throw InternalError(
            fmt::format("bench: no {} kernel ran on core ({},{})", risc, core.x, core.y));
    }

  private:
    SystemConfig m_cfg;
    IDevice* m_device;
};

// One core issuing `count` transactions to a peer core's L1 or a DRAM bank.
struct Stream {
    Xy core;  // logical
    bool write = false;
    bool dram = false;
    Xy peer;  // logical, L1 peer
    int bank = 0;
    uint32_t bytes = 0;
    uint32_t count = 0;
};

// Runs all streams in one program; returns each one's first-issue-to-barrier-end cycles.
std::vector<uint64_t> run_streams(Session& s, const std::vector<Stream>& streams) {
    IDevice* dev = s.device();
    uint32_t max_bytes = 32;
    for (const auto& st : streams) {
        if (st.bytes == 0 || st.count == 0)
            throw HostError("bench: transaction size and count must be positive");
        max_bytes = std::max(max_bytes, st.bytes);
    }
    // Interleaved buffers sit at the same address in every bank: one page per core (or channel)
    // gives every core, and every DRAM bank, a private region at one address.
    const uint64_t workers = static_cast<uint64_t>(s.config().grid_x()) * s.config().grid_y();
    auto l1 = CreateBuffer(InterleavedBufferConfig{.device = dev,
                                                   .size = max_bytes * workers,
                                                   .page_size = max_bytes,
                                                   .buffer_type = BufferType::L1});
    auto dram =
        CreateBuffer(InterleavedBufferConfig{.device = dev,
                                             .size = uint64_t(max_bytes) * dev->num_dram_channels(),
                                             .page_size = max_bytes,
                                             .buffer_type = BufferType::DRAM});
    Program program = CreateProgram();
    for (const auto& st : streams) {
        KernelHandle k = CreateKernel(
            program, kTransactionsKernel, coord(st.core),
            DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                               .noc = NOC::NOC_0,
                               .compile_args = {uint32_t(st.write), uint32_t(st.dram)}});
        Xy peer = st.dram ? Xy{st.bank, 0} : s.noc_xy(st.peer);
        SetRuntimeArgs(
            program, k, coord(st.core),
            {uint32_t(peer.x), uint32_t(peer.y), st.dram ? dram->address() : l1->address(),
             l1->address(), st.bytes, st.count});
    }
    EnqueueProgram(dev->command_queue(), program, true);
    std::vector<uint64_t> cycles;
    for (const auto& st : streams) cycles.push_back(s.kernel_cycles(st.core, "BRISC"));
    return cycles;
}

NocLatencyResult noc_latency(Session& s, const NocLatencyOptions& opt) {
    const Xy core{0, 0};
    const Xy at = s.noc_xy(core);
    auto placement = [&](Xy xy) {
        return opt.same_axis ? same_axis(at, xy) : at.x != xy.x && at.y != xy.y;
    };
    Stream st{.core = core,
              .write = opt.write,
              .dram = opt.dram,
              .bytes = opt.transaction_bytes,
              .count = opt.transactions};
    NocLatencyResult r{.options = opt, .core_noc = at};
    if (opt.dram) {
        st.bank = r.bank = s.nearest_bank(at, placement);
        r.peer_noc = s.bank_xy(st.bank);
    } else {
        st.peer = s.nearest_worker(at, placement);
        r.peer_noc = s.noc_xy(st.peer);
    }
    r.latency_cycles = run_streams(s, {st}).front();
    r.cycles_per_transaction = double(r.latency_cycles) / opt.transactions;
    return r;
}

}  // namespace

DramReadResult dram_read(const DramReadOptions& opt) {
    Session s;
    const uint32_t t = opt.transaction_bytes;
    if (t == 0 || t % s.config().chip.dram_alignment_bytes != 0)
        throw HostError(
            fmt::format("bench dram-read: transaction size {} B must be a positive multiple of the "
                        "{} B DRAM read alignment",
                        t, s.config().chip.dram_alignment_bytes));
    if (opt.bytes == 0 || opt.bytes % t != 0)
        throw HostError(fmt::format(
            "bench dram-read: {} B is not a whole number of {} B transactions", opt.bytes, t));

    DramReadResult r;
    auto anywhere = [](Xy) { return true; };
    if (opt.core) {
        r.core = *opt.core;
        r.bank = opt.bank ? *opt.bank : s.nearest_bank(s.noc_xy(r.core), anywhere);
    } else {
        r.bank = opt.bank.value_or(0);
        r.core = s.nearest_worker(s.bank_xy(r.bank), anywhere);
    }
    r.core_noc = s.noc_xy(r.core);
    r.bank_noc = s.bank_xy(r.bank);
    r.bytes = opt.bytes;
    r.transaction_bytes = t;

    const uint64_t transactions = opt.bytes / t;
    uint64_t per_batch = std::clamp<uint64_t>(opt.batch_bytes / t, 1, transactions);
    while (transactions % per_batch != 0) --per_batch;  // equal batches keep the CB wrap exact
    r.transactions_per_batch = static_cast<uint32_t>(per_batch);
    const uint32_t batches = static_cast<uint32_t>(transactions / per_batch);

    IDevice* dev = s.device();
    // One page per bank: the bank under test holds its `bytes` at the buffer's address.
    auto src = CreateBuffer(InterleavedBufferConfig{.device = dev,
                                                    .size = opt.bytes * dev->num_dram_channels(),
                                                    .page_size = opt.bytes,
                                                    .buffer_type = BufferType::DRAM});
    Program program = CreateProgram();
    const CoreCoord c = coord(r.core);
    // Two batches of room: the sink frees one while the reader fills the other.
    const uint32_t cb_pages = r.transactions_per_batch * std::min<uint32_t>(2, batches);
    CreateCircularBuffer(
        program, c,
        CircularBufferConfig(cb_pages * t, {{tt::CBIndex::c_0, tt::DataFormat::RawUInt8}})
            .set_page_size(tt::CBIndex::c_0, t));
    KernelHandle reader =
        CreateKernel(program, "kernels/bench/dram_reader.cpp", c,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                        .noc = NOC::NOC_0,
                                        .compile_args = {t, r.transactions_per_batch}});
    KernelHandle sink =
        CreateKernel(program, "kernels/bench/cb_sink.cpp", c,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::NOC_1,
                                        .compile_args = {r.transactions_per_batch}});
    SetRuntimeArgs(program, reader, c, {uint32_t(r.bank), src->address(), batches});
    SetRuntimeArgs(program, sink, c, {batches});
    EnqueueProgram(dev->command_queue(), program, true);
    r.kernel_cycles = s.kernel_cycles(r.core, "NCRISC");
    r.bytes_per_cycle = double(r.bytes) / r.kernel_cycles;
    return r;
}

NocLatencyResult noc_latency(const NocLatencyOptions& opt) {
    Session s;
    return noc_latency(s, opt);
}

NocBandwidthResult noc_bandwidth(const NocBandwidthOptions& opt) {
    Session s;
    const Stream st{.core = {0, 0},
                    .write = opt.write,
                    .peer = {1, 0},
                    .bytes = opt.transaction_bytes,
                    .count = opt.transactions};
    NocBandwidthResult r{
        .options = opt, .core_noc = s.noc_xy(st.core), .peer_noc = s.noc_xy(st.peer)};
    r.bytes = uint64_t(opt.transaction_bytes) * opt.transactions;
    r.cycles = run_streams(s, {st}).front();
    r.bytes_per_cycle = double(r.bytes) / r.cycles;
    return r;
}

SharedLinkResult shared_link(uint32_t transaction_bytes, uint32_t transactions) {
    Session s;
    // NoC0 responses run east along row 0: (0,0)->(3,0) and (1,0)->(2,0) share exactly the link
    // leaving (1,0) eastwards.
    const Stream far{
        .core = {3, 0}, .peer = {0, 0}, .bytes = transaction_bytes, .count = transactions};
    const Stream near{
        .core = {2, 0}, .peer = {1, 0}, .bytes = transaction_bytes, .count = transactions};
    SharedLinkResult r{.transaction_bytes = transaction_bytes, .transactions = transactions};
    const Xy link_from = s.noc_xy(near.peer);
    r.shared_link = fmt::format("noc0.link_{}_{}_east", link_from.x, link_from.y);
    r.one_reader_cycles = run_streams(s, {far}).front();
    const auto both = run_streams(s, {far, near});
    r.two_readers_cycles = std::max(both[0], both[1]);
    r.ratio = double(r.two_readers_cycles) / r.one_reader_cycles;
    return r;
}

std::vector<CalibrationRow> calibrate_noc(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw HostError(fmt::format("bench calibrate-noc: cannot open {}", file));
    nlohmann::json cases;
    try {
        cases = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
    Session s;
    std::vector<CalibrationRow> rows;
    for (const auto& c : cases) {
        if (c.value("kind", "") != "noc_latency") continue;
        CalibrationRow row;
        try {
            const auto& p = c.at("params");
            row.id = c.at("id").get<std::string>();
            row.options = {.write = p.at("direction").get<std::string>() == "write",
                           .dram = p.at("memory").get<std::string>() == "dram",
                           .transaction_bytes = p.at("transaction_bytes").get<uint32_t>(),
                           .transactions = p.at("num_transactions").get<uint32_t>(),
                           .same_axis = p.at("same_axis").get<bool>()};
            row.measured_cycles = c.at("measured").get<double>();
        } catch (const nlohmann::json::exception& e) {
            throw ConfigError(fmt::format("{}: case {}: {}", file, c.value("id", "?"), e.what()));
        }
        row.predicted_cycles = noc_latency(s, row.options).latency_cycles;
        row.error_pct = (row.predicted_cycles / row.measured_cycles - 1) * 100;
        rows.push_back(row);
    }
    return rows;
}

}  // namespace tensim::bench

// ---- command line -----------------------------------------------------------------------------

namespace {

using namespace tensim::bench;
using json = nlohmann::ordered_json;  // keeps fields in the order written

json xy_json(Xy v) { return {v.x, v.y}; }

Xy parse_xy(const std::string& s) {
    Xy v;
    char end = 0;
    if (std::sscanf(s.c_str(), "%d,%d%c", &v.x, &v.y, &end) != 2)
        throw tensim::HostError(fmt::format("bench: --core expects X,Y, got '{}'", s));
    return v;
}

// calibrate-noc's default: ../shared/calibration/noc_latency.json from the source root the
// bench kernels are resolved in.
std::string default_calibration_file() {
    namespace fs = std::filesystem;
    fs::path kernel =
        fs::absolute(tensim::jit::resolve_kernel_path(tensim::bench::kTransactionsKernel));
    fs::path root = kernel.parent_path().parent_path().parent_path();
    return (root / "../shared/calibration/noc_latency.json").lexically_normal().string();
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

int run_dram_read(const CLI::App& cmd, bool as_json) {
    DramReadOptions opt;
    opt.bytes = cmd.get_option("--bytes")->as<uint64_t>();
    opt.transaction_bytes = cmd.get_option("--transaction-bytes")->as<uint32_t>();
    opt.batch_bytes = cmd.get_option("--batch-bytes")->as<uint32_t>();
    if (cmd.count("--core")) opt.core = parse_xy(cmd.get_option("--core")->as<std::string>());
    if (cmd.count("--bank")) opt.bank = cmd.get_option("--bank")->as<int>();
    DramReadResult r = dram_read(opt);
    if (as_json) {
        std::cout << json{{"benchmark", "dram_read"},
                          {"core", xy_json(r.core)},
                          {"core_noc0", xy_json(r.core_noc)},
                          {"bank", r.bank},
                          {"bank_noc0", xy_json(r.bank_noc)},
                          {"bytes", r.bytes},
                          {"transaction_bytes", r.transaction_bytes},
                          {"transactions_per_barrier", r.transactions_per_batch},
                          {"kernel_cycles", r.kernel_cycles},
                          {"bytes_per_cycle", r.bytes_per_cycle}}
                         .dump()
                  << "\n";
    } else {
        fmt::print("dram-read: core ({},{}) [noc0 {}-{}] <- DRAM bank {} [noc0 {}-{}]\n", r.core.x,
                   r.core.y, r.core_noc.x, r.core_noc.y, r.bank, r.bank_noc.x, r.bank_noc.y);
        fmt::print("  {} B in {} B reads, {} per barrier: {} cycles, {:.2f} B/cycle\n", r.bytes,
                   r.transaction_bytes, r.transactions_per_batch, r.kernel_cycles,
                   r.bytes_per_cycle);
    }
    return 0;
}

int run_noc_latency(const CLI::App& cmd, bool as_json) {
    NocLatencyOptions opt;
    opt.write = cmd.get_option("--direction")->as<std::string>() == "write";
    opt.dram = cmd.get_option("--memory")->as<std::string>() == "dram";
    opt.transaction_bytes = cmd.get_option("--bytes")->as<uint32_t>();
    opt.transactions = cmd.get_option("--transactions")->as<uint32_t>();
    opt.same_axis = cmd.count("--same-axis") > 0;
    NocLatencyResult r = noc_latency(opt);
    const char* dir = opt.write ? "write" : "read";
    const char* mem = opt.dram ? "dram" : "l1";
    if (as_json) {
        json j{{"benchmark", "noc_latency"},
               {"direction", dir},
               {"memory", mem},
               {"transaction_bytes", opt.transaction_bytes},
               {"num_transactions", opt.transactions},
               {"same_axis", opt.same_axis},
               {"core_noc0", xy_json(r.core_noc)},
               {"peer_noc0", xy_json(r.peer_noc)},
               {"latency_cycles", r.latency_cycles},
               {"cycles_per_transaction", r.cycles_per_transaction}};
        if (opt.dram) j["bank"] = r.bank;
        std::cout << j.dump() << "\n";
    } else {
        fmt::print("noc-latency: {} x {} B {} {} noc0 {}-{} {} noc0 {}-{}{}\n", opt.transactions,
                   opt.transaction_bytes, mem, dir, r.core_noc.x, r.core_noc.y,
                   opt.write ? "->" : "<-", r.peer_noc.x, r.peer_noc.y,
                   opt.same_axis ? " (same axis)" : "");
        fmt::print("  first issue to barrier end: {} cycles ({:.1f} per transaction)\n",
                   r.latency_cycles, r.cycles_per_transaction);
    }
    return 0;
}

int run_noc_bandwidth(const CLI::App& cmd, bool as_json) {
    NocBandwidthOptions opt;
    const std::string pattern = cmd.get_option("--pattern")->as<std::string>();
    opt.write = pattern == "one_to_one";
    opt.transaction_bytes = cmd.get_option("--bytes-per-transaction")->as<uint32_t>();
    opt.transactions = cmd.get_option("--transactions")->as<uint32_t>();
    NocBandwidthResult r = noc_bandwidth(opt);
    if (as_json) {
        std::cout << json{{"benchmark", "noc_bandwidth"},
                          {"pattern", pattern},
                          {"transaction_bytes", opt.transaction_bytes},
                          {"num_transactions", opt.transactions},
                          {"core_noc0", xy_json(r.core_noc)},
                          {"peer_noc0", xy_json(r.peer_noc)},
                          {"bytes", r.bytes},
                          {"cycles", r.cycles},
                          {"bytes_per_cycle", r.bytes_per_cycle}}
                         .dump()
                  << "\n";
    } else {
        fmt::print("noc-bandwidth: {} noc0 {}-{} {} noc0 {}-{}, {} x {} B\n", pattern, r.core_noc.x,
                   r.core_noc.y, opt.write ? "->" : "<-", r.peer_noc.x, r.peer_noc.y,
                   opt.transactions, opt.transaction_bytes);
        fmt::print("  {} B in {} cycles: {:.2f} B/cycle\n", r.bytes, r.cycles, r.bytes_per_cycle);
    }
    return 0;
}

int run_shared_link(const CLI::App& cmd, bool as_json) {
    SharedLinkResult r = shared_link(cmd.get_option("--bytes-per-transaction")->as<uint32_t>(),
                                     cmd.get_option("--transactions")->as<uint32_t>());
    if (as_json) {
        std::cout << json{{"benchmark", "shared_link"},
                          {"transaction_bytes", r.transaction_bytes},
                          {"num_transactions", r.transactions},
                          {"shared_link", r.shared_link},
                          {"one_reader_cycles", r.one_reader_cycles},
                          {"two_readers_cycles", r.two_readers_cycles},
                          {"ratio", r.ratio}}
                         .dump()
                  << "\n";
    } else {
        fmt::print("shared-link: {} x {} B reads per reader, responses sharing {}\n",
                   r.transactions, r.transaction_bytes, r.shared_link);
        fmt::print("  one reader {} cycles, two readers {} cycles: ratio {:.2f}\n",
                   r.one_reader_cycles, r.two_readers_cycles, r.ratio);
    }
    return 0;
}

int run_calibrate_noc(const CLI::App& cmd, bool as_json) {
    const std::string file = cmd.count("--file") ? cmd.get_option("--file")->as<std::string>()
                                                 : default_calibration_file();
    std::vector<CalibrationRow> rows = calibrate_noc(file);
    double abs_sum = 0;
    for (const auto& r : rows) abs_sum += std::abs(r.error_pct);
    const double mean_abs = rows.empty() ? 0 : abs_sum / rows.size();
    if (as_json) {
        json cases = json::array();
        for (const auto& r : rows)
            cases.push_back({{"id", r.id},
                             {"direction", r.options.write ? "write" : "read"},
                             {"memory", r.options.dram ? "dram" : "l1"},
                             {"transaction_bytes", r.options.transaction_bytes},
                             {"num_transactions", r.options.transactions},
                             {"same_axis", r.options.same_axis},
                             {"measured_cycles", r.measured_cycles},
                             {"predicted_cycles", r.predicted_cycles},
                             {"error_pct", r.error_pct}});
        std::cout << json{{"benchmark", "calibrate_noc"},
                          {"file", file},
                          {"cases", cases},
                          {"mean_abs_error_pct", mean_abs}}
                         .dump()
                  << "\n";
        return 0;
    }
    fmt::print("calibrate-noc: {}\n", file);
    fmt::print("{:<38} {:<5} {:<4} {:>6} {:>4} {:<4} {:>9} {:>9} {:>8}\n", "case", "dir", "mem",
               "bytes", "n", "axis", "measured", "tensim", "error");
    for (const auto& r : rows)
        fmt::print("{:<38} {:<5} {:<4} {:>6} {:>4} {:<4} {:>9.0f} {:>9} {:>+7.1f}%\n", r.id,
                   r.options.write ? "write" : "read", r.options.dram ? "dram" : "l1",
                   r.options.transaction_bytes, r.options.transactions, yes_no(r.options.same_axis),
                   r.measured_cycles, r.predicted_cycles, r.error_pct);
    fmt::print("{} cases, mean |error| {:.1f}%\n", rows.size(), mean_abs);
    return 0;
}

}  // namespace

void add_bench(CLI::App& app) {
    const CLI::TypeValidator<uint32_t> kCount("UINT");
    auto* bench =
        app.add_subcommand("bench", "Data-movement microbenchmarks on the simulated board");
    bench->require_subcommand(1);
    auto sub = [&](const char* name, const char* what) {
        auto* c = bench->add_subcommand(name, what);
        c->add_flag("--json")->description("Print one JSON object");
        return c;
    };

    const DramReadOptions dr;
    auto* dram = sub("dram-read", "One core streams bytes from one DRAM bank; B/cycle");
    dram->add_option("--bytes", "Bytes to read")->default_val(dr.bytes)->check(kCount);
    dram->add_option("--transaction-bytes", "Bytes per noc_async_read")
        ->default_val(dr.transaction_bytes)
        ->check(kCount);
    dram->add_option("--batch-bytes", "Bytes read per barrier (CB batch)")
        ->default_val(dr.batch_bytes)
        ->check(kCount);
    dram->add_option("--core", "Logical core X,Y (default: next to the bank)");
    dram->add_option("--bank", "DRAM bank (default: the one next to the core, else 0)")
        ->check(kCount);

    const NocLatencyOptions nl;
    auto* lat =
        sub("noc-latency", "One core issues N transactions to a peer; cycles to barrier end");
    lat->add_option("--direction", "read or write")
        ->default_val("read")
        ->check(CLI::IsMember({"read", "write"}));
    lat->add_option("--memory", "Peer memory: l1 or dram")
        ->default_val("l1")
        ->check(CLI::IsMember({"l1", "dram"}));
    lat->add_option("--bytes", "Bytes per transaction")
        ->default_val(nl.transaction_bytes)
        ->check(kCount);
    lat->add_option("--transactions", "Number of transactions")
        ->default_val(nl.transactions)
        ->check(kCount);
    lat->add_flag("--same-axis")
        ->description("Peer shares a row with the core (else neither row nor column)");

    const NocBandwidthOptions nb;
    auto* bw = sub("noc-bandwidth", "Sustained NoC bandwidth between neighbouring cores; B/cycle");
    bw->add_option("--pattern", "one_to_one (write) or one_from_one (read)")
        ->default_val("one_to_one")
        ->check(CLI::IsMember({"one_to_one", "one_from_one"}));
    bw->add_option("--bytes-per-transaction", "Bytes per transaction")
        ->default_val(nb.transaction_bytes)
        ->check(kCount);
    bw->add_option("--transactions", "Number of transactions")
        ->default_val(nb.transactions)
        ->check(kCount);

    auto* shared =
        sub("shared-link", "Two readers whose responses share one NoC link vs one reader");
    shared->add_option("--bytes-per-transaction", "Bytes per read")
        ->default_val(8192)
        ->check(kCount);
    shared->add_option("--transactions", "Reads per reader")->default_val(64)->check(kCount);

    auto* cal =
        sub("calibrate-noc", "Simulate every noc_latency calibration case; compare with silicon");
    cal->add_option(
        "--file",
        "Calibration JSON (default: ../shared/calibration/noc_latency.json from the repo root)");
}

int run_bench(CLI::App& app) {
    CLI::App* bench = app.get_subcommand("bench");
    if (!bench->parsed() || bench->get_subcommands().empty()) return 0;
    const CLI::App& cmd = *bench->get_subcommands().front();
    const bool as_json = cmd.count("--json") > 0;
    const std::string name = cmd.get_name();
    if (name == "dram-read") return run_dram_read(cmd, as_json);
    if (name == "noc-latency") return run_noc_latency(cmd, as_json);
    if (name == "noc-bandwidth") return run_noc_bandwidth(cmd, as_json);
    if (name == "shared-link") return run_shared_link(cmd, as_json);
    if (name == "calibrate-noc") return run_calibrate_noc(cmd, as_json);
    return 0;
}
