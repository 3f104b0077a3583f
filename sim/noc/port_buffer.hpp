// Models the input buffer of the router port that feeds a slow endpoint (a DRAM NIU): the packets
// waiting there, grouped by the virtual channel each holds, and whether they exhaust the shared
// pool. Abstracts away flits, credits and the upstream routers: a packet counts from its arrival
// at the endpoint until the endpoint has taken it, and the whole backlog is charged to this port.
// Numbers: ISA DRAMTile/README.md (2 KiB per inbound port: 32 B per VC + 1.5 KiB shared, at most
// 480 B of it per VC); the forwarding rate of an exhausted port is calibrated (dram_write.json).
#pragma once
#include <cstdint>
#include <deque>
#include <map>

#include "common/clock.hpp"
#include "common/stats.hpp"

namespace tensim {

class Params;

struct PortBufferConfig {
    uint32_t vc_reserved_bytes = 32;     // B per VC; ISA DRAMTile/README.md
    uint32_t shared_pool_bytes = 1536;   // B per inbound port; ISA DRAMTile/README.md
    uint32_t vc_shared_max_bytes = 480;  // B of the pool one VC may hold; ISA DRAMTile/README.md
    double exhausted_bytes_per_cycle = 7.8;  // B/cycle forwarded once the pool is exhausted;
                                             // calibrated: dram_write.json (1-channel cases)
    void load(Params& noc_section);          // the router_* keys of "noc"
    bool operator==(const PortBufferConfig&) const = default;
};

// Why a port can collapse: a link brings 32 B/cycle but a DRAM channel takes ~22, so write data
// backs up into the router. Packets on one static VC share that VC's 32 + 480 B; with dynamic VCs
// every writer's packet takes a VC of its own, and four or more backed-up VCs overfill the 1.5 KiB
// pool. Then every VC is down to its reserved slot, one flit per credit round trip, and the port
// forwards at exhausted_bytes_per_cycle until the backlog clears.
//
// Use: for each packet, in nondecreasing arrival order, ask forward_rate(), then hold() it until
// the endpoint has taken it. Stats: packets, exhausted_packets (those forwarded at the low rate).
class PortBuffer {
public:
    explicit PortBuffer(const PortBufferConfig& cfg = {}) : m_cfg(cfg) {}

    // B/cycle at which the port can forward a packet of `bytes` on VC `vc` arriving at `t`:
    // unlimited (0 means no limit) or exhausted_bytes_per_cycle when the pool is exhausted with
    // this packet counted in.
    double forward_rate(uint64_t vc, uint32_t bytes, Cycle t);
    // The packet waits in the port on VC `vc` until `leave` (it arrived at the last forward_rate).
    void hold(uint64_t vc, uint32_t bytes, Cycle leave);

    // Bytes of the shared pool in use at the last query (after dropping packets that left).
    uint64_t shared_bytes() const;
    uint64_t packets() const { return m_packets; }
    uint64_t exhausted_packets() const { return m_exhausted_packets; }
    void reset_stats() { m_packets = m_exhausted_packets = 0; }
    // Registers packets and exhausted_packets in `g`, shown once a packet has waited here.
    void register_stats(stats::Group& g);
    void clear();

private:
    struct Held {
        uint64_t vc;
        uint32_t bytes;
        Cycle leave;
    };
    void drop_left(Cycle t);
    uint64_t shared_of(uint64_t vc_bytes) const;

    PortBufferConfig m_cfg;
    std::deque<Held> m_held;               // by leave cycle (the endpoint serves in arrival order)
    std::map<uint64_t, uint64_t> m_by_vc;  // bytes waiting per VC
    uint64_t m_packets = 0;
    uint64_t m_exhausted_packets = 0;
};

}  // namespace tensim
