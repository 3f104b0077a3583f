// `tensim calibrate` kinds eth_latency and eth_transfer on the raw ERISC paths (erisc_to_erisc,
// erisc_to_erisc_to_worker): ERISC kernels on the n300's user link (chip0 E9 <-> chip1 E1) in
// the structure of TT-Metal's ethernet microbenchmark (test_all_ethernet_links with
// ethernet_write_worker_latency_ubench_{sender,receiver}.cpp):
// - `slots` buffer slots, each a message followed by its 16 B sync word (eth_buffer_slot_sync_t);
//   the sender sets the word's bytes_sent and sends message + word in ONE TX command, so the word
//   lands last; the slots are a ring that keeps one slot empty (at most slots - 1 in flight);
// - the receiver finds bytes_sent set, (to a worker: issues the NoC write of the message to a
//   worker's L1 and acks only once that write has left its L1, the trid "sent" check), clears the
//   word and sends it back; in latency mode it sends the whole slot back, so the sender-measured
//   time is a symmetric round trip of two full messages;
// - bidirectional runs give each ERISC both roles in one loop.
// Software costs are charged where silicon spends them: eth_send (cmd_issue_cycles), and a polling
// pass (eth.poll_cycles) for each check that finds work (the pass right after a wake-up is the
// one eth_poll charged). Fabric paths belong to the fabric and predict_ccl.
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

constexpr uint32_t kBase = 0x18000;  // first slot (the user region's base)
constexpr uint32_t kSync = 16;       // the sync word after each message

struct StreamResult {
    Cycle sender_cycles[2] = {0, 0};  // per side: main loop, start to last ack
};

// Streams `messages` messages of `bytes` over `slots` slots on each active direction.
StreamResult stream(uint32_t bytes, uint32_t messages, uint32_t slots, bool bi, bool to_worker,
                    bool latency) {
    System sys(load_system("n300"));
    EthTile* ends[2] = {&sys.chip(0).eth(9), &sys.chip(1).eth(1)};
    const Cycle poll = ends[0]->config().poll_cycles;
    StreamResult out;
    const uint32_t stride = bytes + kSync;
    // Region 0: side 0's TX slots = side 1's RX slots (same addresses at both ends); region 1
    // the other direction's.
    const uint32_t region = slots * stride;
    auto kernel = [&](int side) {
        return [&, side] {
            EthTile& me = *ends[side];
            TensixCore& core = me.core();
            RiscThread& self = me.erisc();
            const bool sending = side == 0 || bi, receiving = side == 1 || bi;
            const uint32_t tx = kBase + (side == 0 ? 0 : region);
            const uint32_t rx = kBase + (side == 0 ? region : 0);
            auto sync = [&](uint32_t base, uint32_t s) -> uint32_t& {
                return core.word(base + s * stride + bytes);
            };
            for (uint32_t s = 0; s < slots; ++s) {
                if (sending) sync(tx, s) = 1;  // blocks on the receiver's ack first
                if (receiving) sync(rx, s) = 0;
            }
            // The worker a forwarding receiver writes into: logical (0,0) of its chip.
            TensixCore& worker = sys.chip(me.chip_id()).worker(0, 0);
            const uint64_t worker_addr =
                NocAddressLayout{}.unicast(worker.xy().x, worker.xy().y, 0x40000);
            const Cycle t0 = kapi::cycle_count();
            auto next = [&](uint32_t p) { return (p + 1) % slots; };
            uint32_t s_wr = 0, s_rd = 0, to_send = sending ? messages : 0, s_acked = 0;
            uint32_t r_wr = 0, r_rd = 0, r_acked = 0;
            bool woke = false;
            // A check that finds work costs a polling pass, unless it is the wake-up's own.
            auto found = [&] {
                if (!woke) self.advance(poll);
                woke = false;
            };
            while ((sending && s_acked < messages) || (receiving && r_acked < messages)) {
                self.sync();
                bool progressed = false;
                if (sending) {
                    if (next(s_wr) != s_rd && to_send) {
                        sync(tx, s_wr) = 1;
                        kapi::eth_send(tx + s_wr * stride, tx + s_wr * stride, stride,
                                       Loc::current());
                        s_wr = next(s_wr);
                        --to_send;
                        progressed = true;
                    }
                    if (sync(tx, s_rd) == 0) {  // the receiver's ack
                        found();
                        sync(tx, s_rd) = 1;
                        s_rd = next(s_rd);
                        ++s_acked;
                        progressed = true;
                    }
                }
                if (receiving) {
                    if (next(r_wr) != r_rd && sync(rx, r_wr) != 0) {
                        found();
                        if (to_worker)
                            kapi::noc_write(core.l1_address(rx + r_wr * stride), worker_addr, bytes,
                                            0, kapi::kNocDynamicVc, Loc::current());
                        r_wr = next(r_wr);
                        progressed = true;
                    }
                    // The oldest unacked slot: acked once its worker write has left this L1.
                    if (r_rd != r_wr && (!to_worker || self.noc_counters(0).writes_unsent == 0)) {
                        if (to_worker) found();
                        sync(rx, r_rd) = 0;
                        if (latency)  // the whole slot back: a symmetric round trip
                            kapi::eth_send(rx + r_rd * stride, rx + r_rd * stride, stride,
                                           Loc::current());
                        else
                            kapi::eth_send(rx + r_rd * stride + bytes, rx + r_rd * stride + bytes,
                                           kSync, Loc::current());
                        r_rd = next(r_rd);
                        ++r_acked;
                        progressed = true;
                    }
                }
                if (!progressed) {
                    kapi::eth_poll(Loc::current());
                    woke = true;
                }
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
    // Messages are whole 16 B Ethernet words (the benchmark's sizes all are).
    const uint32_t bytes =
        (std::max<uint32_t>(p.need<uint32_t>("packet_bytes"), 16) + 15) / 16 * 16;
    const uint32_t slots = p.get<uint32_t>("num_buffer_slots").value_or(16);
    if (slots < 2) throw Skip{"the slot ring keeps one slot empty: it needs at least two"};
    if (c.kind == "eth_latency") {
        if (p.need<std::string>("latency_type") != "sender_measured")
            throw Skip{"only sender-measured raw ERISC latency is simulated"};
        const StreamResult r = stream(bytes, 1, slots, false, to_worker, true);
        out.value = double(r.sender_cycles[0]);  // cycles at 1 GHz = ns
        out.notes.push_back(
            fmt::format("one {} B message + 16 B sync word there and back (round trip)", bytes));
        return out;
    }
    // The benchmark sends num_packets rounds of one message per slot.
    const uint32_t rounds = p.get<uint32_t>("num_packets").value_or(256);
    const uint32_t messages = rounds * slots;
    const bool bi = p.need<std::string>("direction") == "bi";
    const EthConfig eth = load_system("n300").chip.eth;
    if (kBase + slots * (bi ? 2 : 1) * (bytes + kSync) > eth.l1_unreserved_end_bytes)
        throw Skip{"the buffer slots do not fit the ERISC user L1"};
    const StreamResult r = stream(bytes, messages, slots, bi, to_worker, false);
    const Cycle cycles = std::max(r.sender_cycles[0], r.sender_cycles[1]);
    out.value = double(messages) * bytes / double(cycles);  // B/cycle = GB/s at 1 GHz
    out.notes.push_back(fmt::format("{} messages of {} B over {} slots, {}", messages, bytes, slots,
                                    bi ? "both directions" : "one direction"));
    return out;
}

}  // namespace tensim::calibrate
