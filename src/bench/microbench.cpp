// The single-stream microbenchmarks of tensim/bench.hpp: DRAM read, NoC latency and bandwidth,
// a shared link.
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

namespace tensim::bench {

using namespace tt::tt_metal;

namespace {

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
    if (t == 0 || t % s.config().chip.noc.dram_alignment_bytes != 0)
        throw HostError(
            fmt::format("bench dram-read: transaction size {} B must be a positive multiple of the "
                        "{} B DRAM read alignment",
                        t, s.config().chip.noc.dram_alignment_bytes));
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
    for (NocPattern p : {NocPattern::one_to_one, NocPattern::one_from_one,
                         NocPattern::one_to_all_unicast, NocPattern::one_to_all_multicast,
                         NocPattern::one_from_all, NocPattern::dram_read, NocPattern::dram_write})
        if (name == noc_pattern_name(p)) return p;
    if (name == "dram_read_adjacent") return NocPattern::dram_read;
    return std::nullopt;
}

const char* noc_pattern_name(NocPattern p) {
    switch (p) {
        case NocPattern::one_to_one:
            return "one_to_one";
        case NocPattern::one_from_one:
            return "one_from_one";
        case NocPattern::one_to_all_unicast:
            return "one_to_all_unicast";
        case NocPattern::one_to_all_multicast:
            return "one_to_all_multicast";
        case NocPattern::one_from_all:
            return "one_from_all";
        case NocPattern::dram_read:
            return "dram_read";
        case NocPattern::dram_write:
            return "dram_write";
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
        case DramPlacement::adjacent:
            return "adjacent";
        case DramPlacement::careful:
            return "careful";
        case DramPlacement::random:
            return "random";
    }
    return "?";
}

}  // namespace tensim::bench
