// Traffic patterns seen from one core (noc_pattern) and many cores streaming to or from DRAM
// (dram_traffic), with the placement of cores against DRAM channels.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>
#include <tt-metalium/host_api.hpp>
#include <tuple>

#include "bench/session.hpp"
#include "common/error.hpp"
#include "noc/noc.hpp"

namespace tensim::bench {

using namespace tt::tt_metal;

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
        throw HostError(
            fmt::format("bench: {} peer cores requested; the grid has {} besides the sender", n,
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
                        (best_h == 0 ||
                         std::abs(opt.peers / h - h) < std::abs(opt.peers / best_h - best_h)))
                        best_h = h;
                if (opt.peers < 1 || best_h == 0)
                    throw HostError(fmt::format(
                        "{}: {} cores do not form a rectangle beside the sender in the {}x{} "
                        "grid",
                        what, opt.peers, gx, gy));
                lo = {1, 0};
                hi = {opt.peers / best_h, best_h - 1};
            }
            const Xy a = s.noc_xy(lo), b = s.noc_xy(hi);
            peer_args = {uint32_t(a.x), uint32_t(a.y),       uint32_t(b.x),
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
    KernelHandle k = CreateKernel(program, kPatternKernel, coord(r.core),
                                  DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                     .noc = opt.noc == 0 ? NOC::NOC_0 : NOC::NOC_1,
                                                     .compile_args = {op, uint32_t(dram), 0u}});
    std::vector<uint32_t> args = {l1->address(),
                                  span,
                                  dram ? dram_buf->address() : l1->address(),
                                  span,
                                  t,
                                  opt.transactions,
                                  uint32_t(op == 2 ? 1 : peer_args.size() / 2)};
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
size_t plan_links(const ChipConfig& chip) {
    return static_cast<size_t>(chip.noc.grid_x) * chip.noc.grid_y * 2;
}

// Core-to-channel pairs for dram_traffic (see DramPlacement).
std::vector<std::pair<Xy, int>> place_dram_streams(const Session& s,
                                                   const DramTrafficOptions& opt) {
    const int C = opt.channels;
    auto per_channel = [&](int c) { return opt.cores / C + (c < opt.cores % C ? 1 : 0); };
    std::vector<std::pair<Xy, int>> pairs;
    if (opt.placement == DramPlacement::random) {
        std::mt19937 rng(opt.seed);
        std::vector<int> workers(static_cast<size_t>(s.num_workers()));
        std::iota(workers.begin(), workers.end(), 0);
        std::shuffle(workers.begin(), workers.end(), rng);
        std::vector<int> channels;
        for (int c = 0; c < C; ++c)
            channels.insert(channels.end(), static_cast<size_t>(per_channel(c)), c);
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
            routes[static_cast<size_t>(c)].push_back(opt.write ? plan.route(b, a)
                                                               : plan.route(a, b));
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
                            over = std::max(over, load[static_cast<size_t>(link)] + rate -
                                                      chip.noc.link_bytes_per_cycle);
                    const auto key =
                        std::make_tuple(over, route.size(),
                                        distance(s.noc_xy(s.worker(static_cast<int>(i))), bank));
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
            if (std::make_pair(p.peak, p.hops) < std::make_pair(best.peak, best.hops))
                best = std::move(p);
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
        throw HostError(fmt::format("{}: {} channels requested; the chip has {}", what,
                                    opt.channels, s.num_banks()));
    if (opt.cores < 1 || opt.cores > s.num_workers())
        throw HostError(fmt::format("{}: {} cores requested; the grid has {}", what, opt.cores,
                                    s.num_workers()));
    if (t % s.config().chip.noc.dram_alignment_bytes != 0 || opt.bytes_per_core % t != 0)
        throw HostError(fmt::format(
            "{}: {} B per core is not a whole number of {} B transactions (a multiple of "
            "the {} B DRAM alignment)",
            what, opt.bytes_per_core, t, s.config().chip.noc.dram_alignment_bytes));
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
        KernelHandle k =
            CreateKernel(program, kPatternKernel, coord(core),
                         DataMovementConfig{
                             .processor = DataMovementProcessor::RISCV_0,
                             .noc = opt.noc == 0 ? NOC::NOC_0 : NOC::NOC_1,
                             .compile_args = {opt.write ? 1u : 0u, 1u, opt.dynamic_vc ? 1u : 0u}});
        SetRuntimeArgs(
            program, k, coord(core),
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
