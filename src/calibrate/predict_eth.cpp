// `tensim calibrate` kinds eth_latency and eth_transfer on the raw ERISC paths (erisc_to_erisc,
// erisc_to_erisc_to_worker): the Ethernet microbenchmarks of tensim/bench.hpp (src/bench/eth.cpp,
// TT-Metal's ethernet microbenchmark structure) on the case's system. Fabric paths belong to the
// fabric and predict_ccl.
#include <fmt/format.h>

#include <algorithm>

#include "predict.hpp"
#include "tensim/bench.hpp"
#include "tensim/error.hpp"

namespace tensim::calibrate {

Prediction predict_eth(const Case& c, const Params& p) {
    const std::string path = p.need<std::string>("path");
    if (path != "erisc_to_erisc" && path != "erisc_to_erisc_to_worker")
        throw Skip{
            fmt::format("path '{}' runs over the TT-Fabric routers, later work of the "
                        "fabric stream",
                        path)};
    bench::EthStreamOptions opt;
    opt.system = "n300";  // the raw ERISC benchmark's board (an n300 link in every public case)
    opt.to_worker = path == "erisc_to_erisc_to_worker";
    // Packets are whole 16 B Ethernet words (the benchmark's sizes all are).
    opt.packet_bytes = std::max<uint32_t>(p.need<uint32_t>("packet_bytes"), 16);
    opt.slots = p.get<uint32_t>("num_buffer_slots").value_or(16);
    Prediction out;
    try {
        if (c.kind == "eth_latency") {
            if (p.need<std::string>("latency_type") != "sender_measured")
                throw Skip{"only sender-measured raw ERISC latency is simulated"};
            const bench::EthLatencyResult r = bench::eth_latency(opt);
            out.value = double(r.round_trip_cycles);  // cycles at 1 GHz = ns
            out.notes.push_back(fmt::format(
                "one {} B packet + 16 B sync word there and back (round trip)", r.packet_bytes));
            return out;
        }
        // The benchmark sends num_packets rounds of one packet per slot.
        opt.rounds = p.get<uint32_t>("num_packets").value_or(256);
        opt.bidirectional = p.need<std::string>("direction") == "bi";
        const bench::EthBandwidthResult r = bench::eth_bandwidth(opt);
        out.value = r.bytes_per_cycle;  // B/cycle = GB/s at 1 GHz
        out.notes.push_back(fmt::format("{} packets of {} B over {} slots, {}", r.packets,
                                        r.packet_bytes, opt.slots,
                                        opt.bidirectional ? "both directions" : "one direction"));
        return out;
    } catch (const ConfigError& e) {
        throw Skip{e.what()};  // slots that do not fit, a system without a link
    }
}

}  // namespace tensim::calibrate
