// `tensim calibrate` kinds eth_latency and eth_transfer on the raw ERISC paths (erisc_to_erisc,
// erisc_to_erisc_to_worker): ERISC kernels on the n300's user link (chip0 E9 <-> chip1 E1), in
// the structure of TT-Metal's ethernet microbenchmarks (test_all_ethernet_links_*): the sender
// streams packets into `slots` buffer slots of the receiver's L1, each followed by its slot's
// 16 B handshake word; the receiver (optionally forwarding each packet to a worker's L1 over the
// NoC first) clears the word and sends it back, which frees the slot. Latency = one packet with
// one slot, timed on the sender until the handshake returns; bandwidth = bytes / time per
// direction. Fabric paths belong to the fabric (later work) and are skipped.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "chip/arch_loader.hpp"
#include "eth/eth_tile.hpp"
#include "noc/noc_address.hpp"
#include "predict.hpp"
#include "system/system.hpp"
#include "tensim/kernel_api/tensim_eth.h"

namespace tensim::calibrate {

namespace {

using Loc = std::source_location;

constexpr uint32_t kSync = 0x18000;  // per slot: a 16 B handshake word (sender and receiver)
constexpr uint32_t kData = 0x19000;  // the slots' payload buffers

struct StreamResult {
    Cycle sender_cycles[2] = {0, 0};  // per direction: first send to last slot freed
};

// Streams `packets` packets of `bytes` over `slots` slots on each active direction.
StreamResult stream(uint32_t bytes, uint32_t packets, uint32_t slots, bool bi, bool to_worker) {
    System sys(load_system("n300"));
    EthTile* ends[2] = {&sys.chip(0).eth(9), &sys.chip(1).eth(1)};
    StreamResult out;
    const uint32_t padded = (bytes + 15) / 16 * 16;
    auto kernel = [&](int side) {
        return [&, side] {
            EthTile& me = *ends[side];
            TensixCore& core = me.core();
            const bool sending = side == 0 || bi, receiving = side == 1 || bi;
            auto word = [&](uint32_t slot) -> uint32_t& { return core.word(kSync + 16 * slot); };
            // The worker a forwarding receiver writes each packet into: logical (0,0) of its chip.
            TensixCore& worker = sys.chip(me.chip_id()).worker(0, 0);
            const uint64_t worker_addr =
                NocAddressLayout{}.unicast(worker.xy().x, worker.xy().y, 0x40000);
            const Cycle t0 = kapi::cycle_count();
            uint32_t sent = 0, freed = 0, received = 0;
            // In both directions each end keeps its own slots first, the peer's after them.
            const uint32_t peer_base = bi ? slots : 0;
            std::vector<bool> in_flight(slots, false);
            while ((sending && freed < packets) || (receiving && received < packets)) {
                bool progressed = false;
                if (sending && sent < packets && !in_flight[sent % slots]) {
                    const uint32_t s = sent % slots, d = peer_base + s;
                    kapi::eth_send(kData + s * padded, kData + d * padded, padded, Loc::current());
                    word(s) = padded;  // bytes_sent of this slot
                    kapi::eth_send(kSync + 16 * s, kSync + 16 * d, 16, Loc::current());
                    in_flight[s] = true;
                    ++sent;
                    progressed = true;
                }
                // A slot of ours came back cleared: the receiver is done with it.
                if (sending && freed < sent && in_flight[freed % slots] &&
                    word(freed % slots) == 0) {
                    in_flight[freed % slots] = false;
                    ++freed;
                    progressed = true;
                }
                const uint32_t rbase = peer_base;  // where the peer's packets land here
                if (receiving && received < packets && word(rbase + received % slots) == padded) {
                    const uint32_t s = received % slots;
                    if (to_worker) {
                        kapi::noc_write(core.l1_address(kData + (rbase + s) * padded), worker_addr,
                                        padded, 0, 1, Loc::current());
                        kapi::noc_barrier(kapi::Barrier::writes, 0, Loc::current());
                    }
                    word(rbase + s) = 0;
                    kapi::eth_send(kSync + 16 * (rbase + s), kSync + 16 * s, 16, Loc::current());
                    ++received;
                    progressed = true;
                }
                if (!progressed) kapi::eth_poll(Loc::current());
            }
            if (sending) out.sender_cycles[side] = kapi::cycle_count() - t0;
        };
    };
    size_t done = 0;
    const int n = 2;
    for (int side = 0; side < n; ++side) {
        KernelLaunch l;
        l.entry = kernel(side);
        l.kernel_name = "calibrate_eth_stream";
        ends[side]->core().clear_firmware_state();
        ends[side]->erisc().launch(l, [&] {
            if (++done == static_cast<size_t>(n)) System::stop_run();
        });
    }
    sys.run_until([&] { return done == static_cast<size_t>(n); }, 100'000'000);
    for (auto* e : ends)
        if (auto err = e->erisc().error()) std::rethrow_exception(err);
    return out;
}

}  // namespace

Prediction predict_eth(const Case& c, const Params& p) {
    const std::string path = p.need<std::string>("path");
    if (path != "erisc_to_erisc" && path != "erisc_to_erisc_to_worker")
        throw Skip{
            fmt::format("path '{}' runs over the TT-Fabric routers, later work of the "
                        "fabric stream",
                        path)};
    const bool to_worker = path == "erisc_to_erisc_to_worker";
    Prediction out;
    const uint32_t bytes = std::max<uint32_t>(p.need<uint32_t>("packet_bytes"), 16);
    if (c.kind == "eth_latency") {
        if (p.need<std::string>("latency_type") != "sender_measured")
            throw Skip{"only sender-measured raw ERISC latency is simulated"};
        const StreamResult r = stream(bytes, 1, 1, false, to_worker);
        out.value = double(r.sender_cycles[0]);  // cycles at 1 GHz = ns
        out.notes.push_back(fmt::format("one {} B packet and its handshake, round trip", bytes));
        return out;
    }
    const uint32_t packets = p.get<uint32_t>("num_packets").value_or(256);
    const uint32_t slots = p.get<uint32_t>("num_buffer_slots").value_or(8);
    const bool bi = p.need<std::string>("direction") == "bi";
    if (slots * (bi ? 2 : 1) * ((bytes + 15) / 16 * 16) + kData > 262112)
        throw Skip{"the buffer slots do not fit the ERISC user L1"};
    const StreamResult r = stream(bytes, packets, slots, bi, to_worker);
    const Cycle cycles = std::max(r.sender_cycles[0], r.sender_cycles[1]);
    out.value = double(packets) * bytes / double(cycles);  // B/cycle = GB/s at 1 GHz
    out.notes.push_back(fmt::format("{} packets of {} B over {} slots, {}", packets, bytes, slots,
                                    bi ? "both directions" : "one direction"));
    return out;
}

}  // namespace tensim::calibrate
