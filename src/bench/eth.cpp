// The Ethernet microbenchmarks of tensim/bench.hpp (tensim bench eth-latency|eth-bandwidth, and
// tensim calibrate's eth_latency / eth_transfer kinds): ERISC kernels on one user link, in the
// structure of TT-Metal's ethernet microbenchmark (test_all_ethernet_links with
// ethernet_write_worker_latency_ubench_{sender,receiver}.cpp):
// - `slots` buffer slots, each a packet followed by its 16 B sync word (eth_buffer_slot_sync_t);
//   the sender sets the word's bytes_sent and sends packet + word in ONE TX command, so the word
//   lands last; the slots are a ring that keeps one slot empty (at most slots - 1 in flight);
// - the receiver finds bytes_sent set, (to a worker: issues the NoC write of the packet to a
//   worker's L1 and acks only once that write has left its L1, the trid "sent" check), clears the
//   word and sends it back; in latency mode it sends the whole slot back, so the sender-measured
//   time is a symmetric round trip of two full packets;
// - bidirectional runs give each ERISC both roles in one loop.
// Software costs are charged where silicon spends them: eth_send (cmd_issue_cycles), and a polling
// pass (eth.poll_cycles) for each check that finds work (the pass right after a wake-up is the
// one eth_poll charged). The kernels are library code on the ERISC threads (not kernel files):
// they exercise the link, not the kernel API.
#include <fmt/format.h>

#include <algorithm>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "eth/eth_tile.hpp"
#include "host/device_impl.hpp"
#include "noc/noc_address.hpp"
#include "system/system.hpp"
#include "tensim/bench.hpp"
#include "tensim/kernel_api/tensim_eth.h"

namespace tensim::bench {

namespace {

using Loc = std::source_location;

constexpr uint32_t kBase = 0x18000;  // first slot (the user region's base)
constexpr uint32_t kSync = 16;       // the sync word after each packet

struct Stream {
    EthLink link;
    Cycle sender_cycles[2] = {0, 0};  // per side: main loop, start to last ack
};

// Chip 0's `channel` (default: its first connected user link) and the tile at its far end.
std::pair<EthTile*, EthTile*> pick_link(System& sys, std::optional<int> channel) {
    Chip& chip = sys.chip(0);
    for (int c = 0; c < chip.num_eth(); ++c) {
        EthTile& e = chip.eth(c);
        if (channel ? c != *channel : !e.connected() || e.reserved_for_dispatch()) continue;
        if (!e.connected())
            throw ConfigError(
                fmt::format("bench: chip 0 E{} has no link on system '{}'", c, sys.config().name));
        if (e.reserved_for_dispatch())
            throw ConfigError(fmt::format("bench: chip 0 E{} is reserved for dispatch", c));
        return {&e, e.peer()};
    }
    if (channel)
        throw ConfigError(fmt::format("bench: chip 0 has no Ethernet channel {} (it has {})",
                                      *channel, chip.num_eth()));
    throw ConfigError(
        fmt::format("bench: system '{}' has no Ethernet user link from chip 0 (try --system n300)",
                    sys.config().name));
}

SystemConfig system_of(const EthStreamOptions& opt) {
    return opt.system.empty() ? host::system_config() : load_system(opt.system);
}

EthStreamOptions checked(EthStreamOptions opt, const EthConfig& eth) {
    if (opt.slots < 2)
        throw ConfigError("bench: the slot ring keeps one slot empty: it needs at least 2 slots");
    if (opt.packet_bytes == 0 || opt.rounds == 0)
        throw ConfigError("bench: packet_bytes and rounds must be positive");
    opt.packet_bytes = (opt.packet_bytes + 15) / 16 * 16;  // whole Ethernet words
    const uint64_t need =
        kBase + uint64_t(opt.slots) * (opt.bidirectional ? 2 : 1) * (opt.packet_bytes + kSync);
    if (need > eth.l1_unreserved_end_bytes)
        throw ConfigError(fmt::format(
            "bench: {} slots of {} B (+16 B sync word){} need {} B of ERISC L1; the user region "
            "ends at {} B",
            opt.slots, opt.packet_bytes, opt.bidirectional ? " in both directions" : "", need,
            eth.l1_unreserved_end_bytes));
    return opt;
}

// Streams `packets` packets over the slots on each active direction.
Stream stream(const SystemConfig& cfg, const EthStreamOptions& opt, uint32_t packets,
              bool latency) {
    System sys(cfg);
    auto [a, b] = pick_link(sys, opt.channel);
    EthTile* ends[2] = {a, b};
    const uint32_t bytes = opt.packet_bytes, slots = opt.slots;
    const bool bi = opt.bidirectional, to_worker = opt.to_worker;
    const Cycle poll = ends[0]->config().poll_cycles;
    Stream out;
    out.link = {a->chip_id(), a->channel(), b->chip_id(), b->channel()};
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
            uint32_t s_wr = 0, s_rd = 0, to_send = sending ? packets : 0, s_acked = 0;
            uint32_t r_wr = 0, r_rd = 0, r_acked = 0;
            bool woke = false;
            // A check that finds work costs a polling pass, unless it is the wake-up's own.
            auto found = [&] {
                if (!woke) self.advance(poll);
                woke = false;
            };
            while ((sending && s_acked < packets) || (receiving && r_acked < packets)) {
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
    int done = 0;
    for (int side = 0; side < 2; ++side) {
        KernelLaunch l;
        l.entry = kernel(side);
        l.kernel_name = "bench_eth_stream";
        ends[side]->core().clear_firmware_state();
        ends[side]->erisc().launch(l, [&] {
            if (++done == 2) System::stop_run();
        });
    }
    sys.run_until([&] { return done == 2; }, 100'000'000);
    for (auto* e : ends)
        if (auto err = e->erisc().error()) std::rethrow_exception(err);
    if (done != 2)
        throw InternalError(fmt::format("bench: the Ethernet stream on chip {} E{} did not finish",
                                        out.link.chip, out.link.channel));
    return out;
}

}  // namespace

EthLatencyResult eth_latency(const EthStreamOptions& options) {
    const SystemConfig cfg = system_of(options);
    const EthStreamOptions opt = checked(options, cfg.chip.eth);
    const Stream s = stream(cfg, opt, 1, true);
    return {s.link, opt.packet_bytes, s.sender_cycles[0]};
}

EthBandwidthResult eth_bandwidth(const EthStreamOptions& options) {
    const SystemConfig cfg = system_of(options);
    const EthStreamOptions opt = checked(options, cfg.chip.eth);
    const uint64_t packets = uint64_t(opt.rounds) * opt.slots;
    const Stream s = stream(cfg, opt, static_cast<uint32_t>(packets), false);
    EthBandwidthResult r;
    r.link = s.link;
    r.packet_bytes = opt.packet_bytes;
    r.packets = packets;
    r.cycles = std::max(s.sender_cycles[0], s.sender_cycles[1]);
    r.bytes_per_cycle = double(packets) * opt.packet_bytes / double(r.cycles);
    r.gbytes_per_s = r.bytes_per_cycle * cfg.chip.clock.freq_mhz / 1000.0;
    return r;
}

}  // namespace tensim::bench
