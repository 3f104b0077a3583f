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
#include <map>
#include <numeric>
#include <random>
#include <tuple>
#include <nlohmann/json.hpp>
#include <tt-metalium/host_api.hpp>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "host/device_impl.hpp"
#include "jit/kernel_build.hpp"
#include "noc/noc.hpp"

namespace tensim::bench {

using namespace tt::tt_metal;

int distance(Xy a, Xy b) { return std::abs(a.x - b.x) + std::abs(a.y - b.y); }

// The configuration is the open device's, so that overrides (tensim::set_system) are seen too.
Session::Session() : m_device(CreateDevice(0)) { m_cfg = m_device->impl().system().config(); }
Session::~Session() { CloseDevice(m_device); }

Xy Session::noc_xy(Xy logical) const {
    if (logical.x < 0 || logical.y < 0 || logical.x >= m_cfg.grid_x() || logical.y >= m_cfg.grid_y())
        throw HostError(fmt::format("bench: core ({},{}) is outside the {}x{} worker grid", logical.x,
                                    logical.y, m_cfg.grid_x(), m_cfg.grid_y()));
    return {m_cfg.worker_cols[logical.x], m_cfg.worker_rows[logical.y]};
}

Xy Session::bank_xy(int bank, int noc) const {
    const auto banks = m_cfg.chip.dram_banks();
    if (bank < 0 || bank >= static_cast<int>(banks.size()))
        throw HostError(
            fmt::format("bench: DRAM bank {} does not exist ({} banks)", bank, banks.size()));
    const NocXY e = banks[bank].endpoint[noc == 1 ? 1 : 0];
    return {e.x, e.y};
}

int Session::num_banks() const { return static_cast<int>(m_cfg.chip.dram_banks().size()); }

uint64_t Session::kernel_cycles(Xy core, const std::string& risc) const {
    for (const auto& k : tensim::last_program_stats(m_device).kernels)
        if (k.core_x == core.x && k.core_y == core.y && k.risc == risc)
            return k.end_cycle - k.start_cycle - kernel_start_cycles();
    throw InternalError(
        fmt::format("bench: no {} kernel ran on core ({},{})", risc, core.x, core.y));
}

uint64_t Session::program_cycles() const {
    const auto& kernels = tensim::last_program_stats(m_device).kernels;
    if (kernels.empty()) throw InternalError("bench: the last program ran no kernel");
    uint64_t first = kernels.front().start_cycle, last = 0;
    for (const auto& k : kernels) {
        first = std::min(first, k.start_cycle);
        last = std::max(last, k.end_cycle);
    }
    return last - first - kernel_start_cycles();
}

namespace {

using namespace tt::tt_metal;

// Kernel paths are relative to the source root; the runtime resolves them.
const char* const kTransactionsKernel = "kernels/bench/noc_transactions.cpp";
const char* const kPatternKernel = "kernels/bench/noc_pattern.cpp";

// Same row or same column, but not the same tile.
bool same_axis(Xy a, Xy b) { return (a.x == b.x) != (a.y == b.y); }

CoreCoord coord(Xy c) { return {static_cast<size_t>(c.x), static_cast<size_t>(c.y)}; }

// The logical worker nearest to NoC0 tile `to` whose NoC0 position passes `ok`.
template <typename Ok>
Xy nearest_worker(const Session& s, Xy to, Ok ok) {
    std::optional<Xy> best;
    for (int i = 0; i < s.num_workers(); ++i) {
        const Xy w = s.worker(i), xy = s.noc_xy(w);
        if (ok(xy) && (!best || distance(xy, to) < distance(s.noc_xy(*best), to))) best = w;
    }
    if (!best) throw HostError("bench: no worker core fits the requested placement");
    return *best;
}

template <typename Ok>
int nearest_bank(const Session& s, Xy to, Ok ok) {
    int best = -1;
    for (int b = 0; b < s.num_banks(); ++b)
        if (ok(s.bank_xy(b)) &&
            (best < 0 || distance(s.bank_xy(b), to) < distance(s.bank_xy(best), to)))
            best = b;
    if (best < 0) throw HostError("bench: no DRAM bank fits the requested placement");
    return best;
}

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

}  // namespace

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
        st.bank = r.bank = nearest_bank(s, at, placement);
        r.peer_noc = s.bank_xy(st.bank);
    } else {
        st.peer = nearest_worker(s, at, placement);
        r.peer_noc = s.noc_xy(st.peer);
    }
    r.latency_cycles = run_streams(s, {st}).front();
    r.cycles_per_transaction = double(r.latency_cycles) / opt.transactions;
    return r;
}

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
        r.bank = opt.bank ? *opt.bank : nearest_bank(s, s.noc_xy(r.core), anywhere);
    } else {
        r.bank = opt.bank.value_or(0);
        r.core = nearest_worker(s, s.bank_xy(r.bank), anywhere);
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

std::optional<NocPattern> parse_noc_pattern(const std::string& name) {
    for (NocPattern p :
         {NocPattern::one_to_one, NocPattern::one_from_one, NocPattern::one_to_all_unicast,
          NocPattern::one_to_all_multicast, NocPattern::one_from_all, NocPattern::dram_read,
          NocPattern::dram_write})
        if (name == noc_pattern_name(p)) return p;
    if (name == "dram_read_adjacent") return NocPattern::dram_read;
    return std::nullopt;
}

const char* noc_pattern_name(NocPattern p) {
    switch (p) {
        case NocPattern::one_to_one: return "one_to_one";
        case NocPattern::one_from_one: return "one_from_one";
        case NocPattern::one_to_all_unicast: return "one_to_all_unicast";
        case NocPattern::one_to_all_multicast: return "one_to_all_multicast";
        case NocPattern::one_from_all: return "one_from_all";
        case NocPattern::dram_read: return "dram_read";
        case NocPattern::dram_write: return "dram_write";
    }
    return "?";
}

std::optional<DramPlacement> parse_dram_placement(const std::string& name) {
    for (DramPlacement p : {DramPlacement::adjacent, DramPlacement::careful, DramPlacement::random})
        if (name == dram_placement_name(p)) return p;
    return std::nullopt;
}

const char* dram_placement_name(DramPlacement p) {
    switch (p) {
        case DramPlacement::adjacent: return "adjacent";
        case DramPlacement::careful: return "careful";
        case DramPlacement::random: return "random";
    }
    return "?";
}

namespace {

// Scratch L1 at one address on every worker: an interleaved buffer with one `span`-byte page per
// worker.
std::shared_ptr<Buffer> l1_scratch(Session& s, uint32_t span) {
    return CreateBuffer(InterleavedBufferConfig{.device = s.device(),
                                                .size = uint64_t(span) * s.num_workers(),
                                                .page_size = span,
                                                .buffer_type = BufferType::L1});
}

// A region of `bytes` at one address in every DRAM bank.
std::shared_ptr<Buffer> dram_region(Session& s, uint64_t bytes) {
    return CreateBuffer(InterleavedBufferConfig{.device = s.device(),
                                                .size = bytes * s.device()->num_dram_channels(),
                                                .page_size = bytes,
                                                .buffer_type = BufferType::DRAM});
}

// Whole transactions of `t` bytes, at most `max_bytes` (at least one transaction).
uint32_t span_of(uint32_t t, uint64_t max_bytes) {
    return t * static_cast<uint32_t>(std::max<uint64_t>(1, max_bytes / t));
}

void check_transfer(uint32_t bytes, uint64_t transactions, int noc, const char* what) {
    if (bytes == 0 || transactions == 0)
        throw HostError(fmt::format("{}: transaction size and count must be positive", what));
    if (noc != 0 && noc != 1) throw HostError(fmt::format("{}: NoC {} does not exist", what, noc));
}

// The `n` workers nearest `core` (NoC0 distance, row-major on ties), `core` excluded.
std::vector<Xy> nearest_peers(const Session& s, Xy core, int n) {
    if (n < 1 || n > s.num_workers() - 1)
        throw HostError(fmt::format("bench: {} peer cores requested; the grid has {} besides the sender", n,
                                    s.num_workers() - 1));
    const Xy at = s.noc_xy(core);
    std::vector<Xy> all;
    for (int i = 0; i < s.num_workers(); ++i)
        if (s.worker(i).x != core.x || s.worker(i).y != core.y) all.push_back(s.worker(i));
    std::stable_sort(all.begin(), all.end(), [&](Xy a, Xy b) {
        return distance(s.noc_xy(a), at) < distance(s.noc_xy(b), at);
    });
    all.resize(static_cast<size_t>(n));
    return all;
}

}  // namespace

NocPatternResult noc_pattern(Session& s, const NocPatternOptions& opt) {
    const char* what = "bench noc-pattern";
    check_transfer(opt.transaction_bytes, opt.transactions, opt.noc, what);
    NocPatternResult r{.options = opt};
    uint32_t op = 0;  // 0 read, 1 write, 2 multicast
    bool dram = false;
    std::vector<uint32_t> peer_args;
    const auto add_peer = [&](Xy logical) {
        const Xy xy = s.noc_xy(logical);
        peer_args.push_back(uint32_t(xy.x));
        peer_args.push_back(uint32_t(xy.y));
    };
    switch (opt.pattern) {
        case NocPattern::one_to_one:
        case NocPattern::one_from_one: {
            const Xy at = s.noc_xy(r.core);
            add_peer(nearest_worker(s, at, [&](Xy xy) {
                return opt.same_axis ? same_axis(at, xy) : at.x != xy.x && at.y != xy.y;
            }));
            op = opt.pattern == NocPattern::one_to_one ? 1 : 0;
            r.peers = 1;
            break;
        }
        case NocPattern::one_to_all_unicast:
        case NocPattern::one_from_all:
            for (Xy p : nearest_peers(s, r.core, opt.peers)) add_peer(p);
            op = opt.pattern == NocPattern::one_to_all_unicast ? 1 : 0;
            r.peers = opt.peers;
            break;
        case NocPattern::one_to_all_multicast: {
            // The whole grid includes the sender; a smaller rectangle sits beside it.
            const int gx = s.config().grid_x(), gy = s.config().grid_y();
            Xy lo, hi;
            bool loopback = false;
            if (opt.peers == s.num_workers()) {
                lo = {0, 0};
                hi = {gx - 1, gy - 1};
                loopback = true;
            } else {
                int best_h = 0;
                for (int h = 1; h <= gy; ++h)
                    if (opt.peers % h == 0 && opt.peers / h <= gx - 1 &&
                        (best_h == 0 || std::abs(opt.peers / h - h) < std::abs(opt.peers / best_h - best_h)))
                        best_h = h;
                if (opt.peers < 1 || best_h == 0)
                    throw HostError(fmt::format("{}: {} cores do not form a rectangle beside the sender in the {}x{} "
                                                "grid",
                                                what, opt.peers, gx, gy));
                lo = {1, 0};
                hi = {opt.peers / best_h, best_h - 1};
            }
            const Xy a = s.noc_xy(lo), b = s.noc_xy(hi);
            peer_args = {uint32_t(a.x), uint32_t(a.y), uint32_t(b.x),
                         uint32_t(b.y), uint32_t(opt.peers), uint32_t(loopback)};
            op = 2;
            r.peers = opt.peers;
            break;
        }
        case NocPattern::dram_read:
        case NocPattern::dram_write:
            r.core = nearest_worker(s, s.bank_xy(0, opt.noc), [](Xy) { return true; });
            peer_args = {0, 0};
            op = opt.pattern == NocPattern::dram_read ? 0 : 1;
            dram = true;
            r.peers = 1;
            break;
    }
    r.core_noc = s.noc_xy(r.core);

    const uint32_t t = opt.transaction_bytes;
    const uint32_t span = span_of(t, 256 << 10);
    auto l1 = l1_scratch(s, span);
    std::shared_ptr<Buffer> dram_buf;
    if (dram) dram_buf = dram_region(s, span);
    Program program = CreateProgram();
    KernelHandle k = CreateKernel(
        program, kPatternKernel, coord(r.core),
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                           .noc = opt.noc == 0 ? NOC::NOC_0 : NOC::NOC_1,
                           .compile_args = {op, uint32_t(dram), 0u}});
    std::vector<uint32_t> args = {l1->address(), span, dram ? dram_buf->address() : l1->address(), span, t,
                                  opt.transactions, uint32_t(op == 2 ? 1 : peer_args.size() / 2)};
    args.insert(args.end(), peer_args.begin(), peer_args.end());
    SetRuntimeArgs(program, k, coord(r.core), args);
    EnqueueProgram(s.device()->command_queue(), program, true);
    r.bytes = uint64_t(t) * opt.transactions;
    r.cycles = s.kernel_cycles(r.core, "BRISC");
    r.bytes_per_cycle = double(r.bytes) / r.cycles;
    return r;
}

namespace {

// Links of one NoC of the chip (two per router), the index space of Noc::route.
size_t plan_links(const ChipConfig& chip) { return static_cast<size_t>(chip.noc.grid_x) * chip.noc.grid_y * 2; }

// Core-to-channel pairs for dram_traffic (see DramPlacement).
std::vector<std::pair<Xy, int>> place_dram_streams(const Session& s, const DramTrafficOptions& opt) {
    const int C = opt.channels;
    auto per_channel = [&](int c) { return opt.cores / C + (c < opt.cores % C ? 1 : 0); };
    std::vector<std::pair<Xy, int>> pairs;
    if (opt.placement == DramPlacement::random) {
        std::mt19937 rng(opt.seed);
        std::vector<int> workers(static_cast<size_t>(s.num_workers()));
        std::iota(workers.begin(), workers.end(), 0);
        std::shuffle(workers.begin(), workers.end(), rng);
        std::vector<int> channels;
        for (int c = 0; c < C; ++c) channels.insert(channels.end(), static_cast<size_t>(per_channel(c)), c);
        std::shuffle(channels.begin(), channels.end(), rng);
        for (int i = 0; i < opt.cores; ++i) pairs.push_back({s.worker(workers[i]), channels[i]});
        return pairs;
    }
    // Greedy, one core per channel per round, channels in a given order. The data's route on the
    // chosen NoC (bank -> core for reads, core -> bank for writes) decides link loads; each
    // stream counts at its share of the channel's bandwidth.
    const ChipConfig& chip = s.config().chip;
    const Noc plan(chip.noc, opt.noc, "placement");
    const size_t W = static_cast<size_t>(s.num_workers());
    std::vector<std::vector<std::vector<int>>> routes(static_cast<size_t>(C));  // [channel][worker]
    for (int c = 0; c < C; ++c)
        for (size_t i = 0; i < W; ++i) {
            const Xy bank = s.bank_xy(c, opt.noc), w = s.noc_xy(s.worker(static_cast<int>(i)));
            const NocXY a{bank.x, bank.y}, b{w.x, w.y};
            routes[static_cast<size_t>(c)].push_back(opt.write ? plan.route(b, a) : plan.route(a, b));
        }
    struct Plan {
        std::vector<std::pair<Xy, int>> pairs;
        double peak = 0;  // B/cycle on the busiest link
        size_t hops = 0;
    };
    const bool careful = opt.placement == DramPlacement::careful;
    auto greedy = [&](const std::vector<int>& order) {
        Plan p;
        std::vector<double> load(plan_links(chip), 0.0);
        std::vector<bool> used(W, false);
        for (int round = 0; static_cast<int>(p.pairs.size()) < opt.cores; ++round) {
            for (int c : order) {
                if (round >= per_channel(c)) continue;
                const Xy bank = s.bank_xy(c, opt.noc);
                const double rate = chip.dram.channel_bytes_per_cycle / per_channel(c);
                size_t best = W;
                std::tuple<double, size_t, int> best_key;
                for (size_t i = 0; i < W; ++i) {
                    if (used[i]) continue;
                    const auto& route = routes[static_cast<size_t>(c)][i];
                    double over = 0;
                    if (careful)
                        for (int link : route)
                            over = std::max(over, load[static_cast<size_t>(link)] + rate - chip.noc.link_bytes_per_cycle);
                    const auto key =
                        std::make_tuple(over, route.size(), distance(s.noc_xy(s.worker(static_cast<int>(i))), bank));
                    if (best == W || key < best_key) {
                        best = i;
                        best_key = key;
                    }
                }
                used[best] = true;
                for (int link : routes[static_cast<size_t>(c)][best]) {
                    load[static_cast<size_t>(link)] += rate;
                    p.peak = std::max(p.peak, load[static_cast<size_t>(link)]);
                }
                p.hops += routes[static_cast<size_t>(c)][best].size();
                p.pairs.push_back({s.worker(static_cast<int>(best)), c});
            }
        }
        return p;
    };
    std::vector<int> order(static_cast<size_t>(C));
    std::iota(order.begin(), order.end(), 0);
    Plan best = greedy(order);
    if (careful) {
        // Which channel chooses first matters; keep the order that loads the busiest link least.
        std::mt19937 rng(opt.seed);
        for (int attempt = 0; attempt < 64; ++attempt) {
            std::shuffle(order.begin(), order.end(), rng);
            Plan p = greedy(order);
            if (std::make_pair(p.peak, p.hops) < std::make_pair(best.peak, best.hops)) best = std::move(p);
        }
    }
    return best.pairs;
}

}  // namespace

DramTrafficResult dram_traffic(Session& s, const DramTrafficOptions& opt) {
    const char* what = opt.write ? "bench dram-write" : "bench dram-read";
    const uint32_t t = opt.transaction_bytes;
    check_transfer(t, opt.bytes_per_core, opt.noc, what);
    if (opt.channels < 1 || opt.channels > s.num_banks())
        throw HostError(fmt::format("{}: {} channels requested; the chip has {}", what, opt.channels, s.num_banks()));
    if (opt.cores < 1 || opt.cores > s.num_workers())
        throw HostError(fmt::format("{}: {} cores requested; the grid has {}", what, opt.cores, s.num_workers()));
    if (t % s.config().chip.dram_alignment_bytes != 0 || opt.bytes_per_core % t != 0)
        throw HostError(fmt::format("{}: {} B per core is not a whole number of {} B transactions (a multiple of "
                                    "the {} B DRAM alignment)",
                                    what, opt.bytes_per_core, t, s.config().chip.dram_alignment_bytes));
    const uint64_t transactions = opt.bytes_per_core / t;
    if (transactions > UINT32_MAX) throw HostError(fmt::format("{}: too many transactions", what));

    DramTrafficResult r{.options = opt};
    r.pairs = place_dram_streams(s, opt);
    // Each bank holds one region per core streaming to it, at the same addresses in every bank.
    std::vector<int> on_channel(static_cast<size_t>(s.num_banks()), 0);
    for (const auto& p : r.pairs) on_channel[static_cast<size_t>(p.second)]++;
    const int most = *std::max_element(on_channel.begin(), on_channel.end());
    auto dram = dram_region(s, opt.bytes_per_core * most);
    const uint32_t span = span_of(t, std::min<uint64_t>(opt.bytes_per_core, 256 << 10));
    auto l1 = l1_scratch(s, span);

    Program program = CreateProgram();
    std::fill(on_channel.begin(), on_channel.end(), 0);
    for (const auto& [core, bank] : r.pairs) {
        const int slot = on_channel[static_cast<size_t>(bank)]++;
        KernelHandle k = CreateKernel(
            program, kPatternKernel, coord(core),
            DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                               .noc = opt.noc == 0 ? NOC::NOC_0 : NOC::NOC_1,
                               .compile_args = {opt.write ? 1u : 0u, 1u, opt.dynamic_vc ? 1u : 0u}});
        SetRuntimeArgs(program, k, coord(core),
                       {l1->address(), span, uint32_t(dram->address() + slot * opt.bytes_per_core),
                        uint32_t(opt.bytes_per_core), t, uint32_t(transactions), 1u, uint32_t(bank), 0u});
    }
    EnqueueProgram(s.device()->command_queue(), program, true);
    r.bytes = opt.bytes_per_core * r.pairs.size();
    r.cycles = s.program_cycles();
    r.bytes_per_cycle = double(r.bytes) / r.cycles;
    r.gbytes_per_s = r.bytes_per_cycle * s.clock_ghz();
    return r;
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

}  // namespace

void add_bench(CLI::App& app) {
    const CLI::TypeValidator<uint32_t> kCount("UINT");
    auto* bench =
        app.add_subcommand("bench", "Data-movement microbenchmarks on the simulated board");
    bench->require_subcommand(1);
    auto sub = [&](const char* name, const char* what) {
        auto* c = bench->add_subcommand(name, what);
        c->add_flag("--json")->description("Print one JSON object");
        c->add_option("--set", "Override an architecture constant: key=value (e.g. tensix.l1_size_kib=512, "
                               "worker_grid=4x4, noc.link_bytes_per_cycle=64); repeatable")
            ->type_name("KEY=VALUE");
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
}

int run_bench(CLI::App& app) {
    CLI::App* bench = app.get_subcommand("bench");
    if (!bench->parsed() || bench->get_subcommands().empty()) return 0;
    const CLI::App& cmd = *bench->get_subcommands().front();
    const bool as_json = cmd.count("--json") > 0;
    if (cmd.count("--set"))
        tensim::set_system(tensim::system_name(), cmd.get_option("--set")->as<std::vector<std::string>>());
    const std::string name = cmd.get_name();
    if (name == "dram-read") return run_dram_read(cmd, as_json);
    if (name == "noc-latency") return run_noc_latency(cmd, as_json);
    if (name == "noc-bandwidth") return run_noc_bandwidth(cmd, as_json);
    if (name == "shared-link") return run_shared_link(cmd, as_json);
    return 0;
}
