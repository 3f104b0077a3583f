// `tensim bench`: the data-movement microbenchmarks of tensim/bench.hpp, one subcommand each,
// printing a short report or (--json) one JSON object.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "tensim/bench.hpp"

namespace tensim::cli::bench_cmd {

namespace {

Common g_common;

using namespace tensim::bench;
using json = nlohmann::ordered_json;  // keeps fields in the order written

json xy_json(Xy v) { return {v.x, v.y}; }

Xy parse_xy(const std::string& s) {
    Xy v;
    char end = 0;
    if (std::sscanf(s.c_str(), "%d,%d%c", &v.x, &v.y, &end) != 2)
        throw UsageError(fmt::format("bench: --core expects X,Y, got '{}'", s));
    return v;
}

int run_dram_read(const CLI::App& cmd) {
    DramReadOptions opt;
    opt.bytes = cmd.get_option("--bytes")->as<uint64_t>();
    opt.transaction_bytes = cmd.get_option("--transaction-bytes")->as<uint32_t>();
    opt.batch_bytes = cmd.get_option("--batch-bytes")->as<uint32_t>();
    if (cmd.count("--core")) opt.core = parse_xy(cmd.get_option("--core")->as<std::string>());
    if (cmd.count("--bank")) opt.bank = cmd.get_option("--bank")->as<int>();
    DramReadResult r = dram_read(opt);
    g_common.emit_json(json{{"benchmark", "dram_read"},
                            {"core", xy_json(r.core)},
                            {"core_noc0", xy_json(r.core_noc)},
                            {"bank", r.bank},
                            {"bank_noc0", xy_json(r.bank_noc)},
                            {"bytes", r.bytes},
                            {"transaction_bytes", r.transaction_bytes},
                            {"transactions_per_barrier", r.transactions_per_batch},
                            {"kernel_cycles", r.kernel_cycles},
                            {"bytes_per_cycle", r.bytes_per_cycle}});
    if (!g_common.json_on_stdout()) {
        fmt::print("dram-read: core ({},{}) [noc0 {}-{}] <- DRAM bank {} [noc0 {}-{}]\n", r.core.x,
                   r.core.y, r.core_noc.x, r.core_noc.y, r.bank, r.bank_noc.x, r.bank_noc.y);
        fmt::print("  {} B in {} B reads, {} per barrier: {} cycles, {:.2f} B/cycle\n", r.bytes,
                   r.transaction_bytes, r.transactions_per_batch, r.kernel_cycles,
                   r.bytes_per_cycle);
    }
    return 0;
}

int run_noc_latency(const CLI::App& cmd) {
    NocLatencyOptions opt;
    opt.write = cmd.get_option("--direction")->as<std::string>() == "write";
    opt.dram = cmd.get_option("--memory")->as<std::string>() == "dram";
    opt.transaction_bytes = cmd.get_option("--bytes")->as<uint32_t>();
    opt.transactions = cmd.get_option("--transactions")->as<uint32_t>();
    opt.same_axis = cmd.count("--same-axis") > 0;
    NocLatencyResult r = noc_latency(opt);
    const char* dir = opt.write ? "write" : "read";
    const char* mem = opt.dram ? "dram" : "l1";
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
    g_common.emit_json(j);
    if (!g_common.json_on_stdout()) {
        fmt::print("noc-latency: {} x {} B {} {} noc0 {}-{} {} noc0 {}-{}{}\n", opt.transactions,
                   opt.transaction_bytes, mem, dir, r.core_noc.x, r.core_noc.y,
                   opt.write ? "->" : "<-", r.peer_noc.x, r.peer_noc.y,
                   opt.same_axis ? " (same axis)" : "");
        fmt::print("  first issue to barrier end: {} cycles ({:.1f} per transaction)\n",
                   r.latency_cycles, r.cycles_per_transaction);
    }
    return 0;
}

int run_noc_bandwidth(const CLI::App& cmd) {
    NocBandwidthOptions opt;
    const std::string pattern = cmd.get_option("--pattern")->as<std::string>();
    opt.write = pattern == "one_to_one";
    opt.transaction_bytes = cmd.get_option("--bytes-per-transaction")->as<uint32_t>();
    opt.transactions = cmd.get_option("--transactions")->as<uint32_t>();
    NocBandwidthResult r = noc_bandwidth(opt);
    g_common.emit_json(json{{"benchmark", "noc_bandwidth"},
                            {"pattern", pattern},
                            {"transaction_bytes", opt.transaction_bytes},
                            {"num_transactions", opt.transactions},
                            {"core_noc0", xy_json(r.core_noc)},
                            {"peer_noc0", xy_json(r.peer_noc)},
                            {"bytes", r.bytes},
                            {"cycles", r.cycles},
                            {"bytes_per_cycle", r.bytes_per_cycle}});
    if (!g_common.json_on_stdout()) {
        fmt::print("noc-bandwidth: {} noc0 {}-{} {} noc0 {}-{}, {} x {} B\n", pattern, r.core_noc.x,
                   r.core_noc.y, opt.write ? "->" : "<-", r.peer_noc.x, r.peer_noc.y,
                   opt.transactions, opt.transaction_bytes);
        fmt::print("  {} B in {} cycles: {:.2f} B/cycle\n", r.bytes, r.cycles, r.bytes_per_cycle);
    }
    return 0;
}

int run_shared_link(const CLI::App& cmd) {
    SharedLinkResult r = shared_link(cmd.get_option("--bytes-per-transaction")->as<uint32_t>(),
                                     cmd.get_option("--transactions")->as<uint32_t>());
    g_common.emit_json(json{{"benchmark", "shared_link"},
                            {"transaction_bytes", r.transaction_bytes},
                            {"num_transactions", r.transactions},
                            {"shared_link", r.shared_link},
                            {"one_reader_cycles", r.one_reader_cycles},
                            {"two_readers_cycles", r.two_readers_cycles},
                            {"ratio", r.ratio}});
    if (!g_common.json_on_stdout()) {
        fmt::print("shared-link: {} x {} B reads per reader, responses sharing {}\n",
                   r.transactions, r.transaction_bytes, r.shared_link);
        fmt::print("  one reader {} cycles, two readers {} cycles: ratio {:.2f}\n",
                   r.one_reader_cycles, r.two_readers_cycles, r.ratio);
    }
    return 0;
}

EthStreamOptions eth_options(const CLI::App& cmd) {
    EthStreamOptions opt;
    opt.packet_bytes = cmd.get_option("--packet-bytes")->as<uint32_t>();
    opt.slots = cmd.get_option("--slots")->as<uint32_t>();
    opt.to_worker = cmd.count("--to-worker") > 0;
    if (cmd.count("--channel")) opt.channel = cmd.get_option("--channel")->as<int>();
    return opt;
}

json link_json(const EthLink& l) {
    return {{"chip", l.chip},
            {"channel", l.channel},
            {"peer_chip", l.peer_chip},
            {"peer_channel", l.peer_channel}};
}

int run_eth(const CLI::App& cmd, bool latency) {
    EthStreamOptions opt = eth_options(cmd);
    const char* path = opt.to_worker ? "erisc_to_erisc_to_worker" : "erisc_to_erisc";
    auto link_text = [](const EthLink& l) {
        return fmt::format("chip {} E{} -> chip {} E{}", l.chip, l.channel, l.peer_chip,
                           l.peer_channel);
    };
    if (latency) {
        const EthLatencyResult r = eth_latency(opt);
        g_common.emit_json(json{{"benchmark", "eth_latency"},
                                {"path", path},
                                {"link", link_json(r.link)},
                                {"packet_bytes", r.packet_bytes},
                                {"round_trip_cycles", r.round_trip_cycles}});
        if (!g_common.json_on_stdout())
            fmt::print(
                "eth-latency: {} ({}), {} B packet + 16 B sync word\n  round trip {} cycles, "
                "{:.0f} one way\n",
                link_text(r.link), path, r.packet_bytes, r.round_trip_cycles,
                r.round_trip_cycles / 2.0);
        return 0;
    }
    opt.rounds = cmd.get_option("--rounds")->as<uint32_t>();
    opt.bidirectional = cmd.count("--bidirectional") > 0;
    const EthBandwidthResult r = eth_bandwidth(opt);
    g_common.emit_json(json{{"benchmark", "eth_bandwidth"},
                            {"path", path},
                            {"link", link_json(r.link)},
                            {"bidirectional", opt.bidirectional},
                            {"packet_bytes", r.packet_bytes},
                            {"packets", r.packets},
                            {"cycles", r.cycles},
                            {"bytes_per_cycle", r.bytes_per_cycle},
                            {"gbytes_per_s", r.gbytes_per_s}});
    if (!g_common.json_on_stdout())
        fmt::print("eth-bandwidth: {} ({}), {} x {} B {}\n  {} cycles: {:.2f} GB/s per direction\n",
                   link_text(r.link), path, r.packets, r.packet_bytes,
                   opt.bidirectional ? "each way" : "one way", r.cycles, r.gbytes_per_s);
    return 0;
}

}  // namespace

void add(CLI::App& bench) {
    const CLI::TypeValidator<uint32_t> kCount("UINT");
    bench.require_subcommand(1);
    auto sub = [&](const char* name, const char* what) {
        auto* c = bench.add_subcommand(name, what);
        g_common.add_to(*c);  // one Common for all: only one benchmark runs
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

    const EthStreamOptions eo;
    for (bool latency : {true, false}) {
        auto* e = sub(latency ? "eth-latency" : "eth-bandwidth",
                      latency ? "One packet there and back over an Ethernet link; cycles"
                              : "Packets streamed over an Ethernet link; GB/s per direction");
        e->add_option("--packet-bytes", "Bytes per packet (whole 16 B words)")
            ->default_val(eo.packet_bytes)
            ->check(kCount);
        e->add_option("--slots", "Buffer slots (one stays empty)")
            ->default_val(eo.slots)
            ->check(kCount);
        e->add_option("--channel", "Chip 0's Ethernet channel (default: its first user link)")
            ->check(kCount);
        e->add_flag("--to-worker")->description("The receiver forwards each packet to a worker");
        if (latency) continue;
        e->add_option("--rounds", "Rounds of one packet per slot")
            ->default_val(eo.rounds)
            ->check(kCount);
        e->add_flag("--bidirectional")->description("Both ends send and receive at once");
    }
}

int run(CLI::App& bench) {
    const CLI::App& cmd = *bench.get_subcommands().front();
    const std::string name = cmd.get_name();
    const bool eth = name.rfind("eth-", 0) == 0;
    // The Ethernet benchmarks need two chips: n300 unless a system was chosen.
    if (eth && g_common.system.empty() && !std::getenv("TENSIM_SYSTEM")) g_common.system = "n300";
    g_common.apply_system();
    if (eth) return run_eth(cmd, name == "eth-latency");
    if (name == "dram-read") return run_dram_read(cmd);
    if (name == "noc-latency") return run_noc_latency(cmd);
    if (name == "noc-bandwidth") return run_noc_bandwidth(cmd);
    return run_shared_link(cmd);
}

}  // namespace tensim::cli::bench_cmd
