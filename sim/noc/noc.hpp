// Models one Wormhole NoC: a 2D torus of routers with dimension-order routing, cut-through packets
// (header + data flits) reserving NIU ports and links as busy intervals, unicast and tree
// multicast, and the VC buffer of the router port in front of each slow endpoint (PortBuffer).
// Abstracts away flit-level arbitration, VCs and buffers elsewhere, and backpressure (a head that
// waits for a link does not hold upstream resources). Numbers: wormhole_params.md sections 2, 3.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/stats.hpp"
#include "noc/busy_intervals.hpp"
#include "noc/noc_address.hpp"
#include "noc/noc_vc.hpp"
#include "noc/noc_xy.hpp"
#include "noc/port_buffer.hpp"
#include "noc/routing.hpp"
#include "noc/serialisation.hpp"

namespace tensim {

class Params;

// How one NoC of the chip is wired and addressed.
struct NocOrientation {
    int step_x = 1, step_y = 1;  // direction of its x and y rings (+1: east / south)
    bool x_first = true;         // dimension order: x hops before y hops
    bool mirrored = false;       // its coordinates are NoC0's mirrored in x and y
    bool operator==(const NocOrientation&) const = default;
};

struct NocConfig {
    int grid_x = 10;                           // tiles; UMD wormhole_b0_8x10.yaml
    int grid_y = 12;                           // tiles; UMD wormhole_b0_8x10.yaml
    uint32_t flit_bytes = 32;                  // B; ISA NoC/README.md
    uint32_t max_packet_payload_bytes = 8192;  // B, 256 data flits; ISA NoC/README.md
    double link_bytes_per_cycle = 32.0;        // B/cycle, 1 flit/cycle; ISA NoC/README.md
    Cycle router_hop_cycles = 9;               // cycles, router->router; ISA NoC/README.md
    Cycle niu_latency_cycles = 5;  // cycles, each of NIU->router, router->NIU; ISA NoC/README.md
    double niu_inject_bytes_per_cycle = 32.0;  // B/cycle NIU->router; ISA NoC/README.md
    double niu_absorb_bytes_per_cycle = 32.0;  // B/cycle router->NIU; ISA NoC/README.md
    PortBufferConfig endpoint_buffer;          // router input buffer before a slow endpoint
    // NoCs of the chip, each with its ring directions, dimension order and coordinate mirror;
    // ISA NoC/README.md (NoC0 east then south, NoC1 north then west, mirrored coordinates).
    std::vector<NocOrientation> nocs = {{+1, +1, true, false}, {-1, -1, false, true}};
    std::string routing = "dimension_order";  // a registered RoutingPolicy (noc/routing.hpp)
    NocAddressLayout address;                 // bit layout of a 64-bit NoC address
    uint32_t l1_alignment_bytes = 16;         // B; TTM noc_parameters.h
    uint32_t dram_alignment_bytes = 32;       // B; TTM noc_parameters.h

    int count() const { return static_cast<int>(nocs.size()); }
    // `xy` (NoC0 coordinates) in NoC `noc`'s own coordinates; the map is its own inverse.
    NocXY to_noc(int noc, NocXY xy) const {
        if (!nocs.at(static_cast<size_t>(noc)).mirrored) return xy;
        return {grid_x - 1 - xy.x, grid_y - 1 - xy.y};
    }
    // Reads the "noc" section of an architecture file (grid_x / grid_y come from "grid").
    void load(Params& noc_section);
    bool operator==(const NocConfig&) const = default;
};

// Parameters: NocConfig. Ports: per router an inject and an absorb NIU port and two outgoing
// links (NoC0: east, south; NoC1: west, north). Stats (group "<name>"), per used link and port,
// groups "<name>.link_<x>_<y>_<dir>" and "<name>.niu_<x>_<y>_{inject,absorb}": bytes (header flits
// included), packets, busy_cycles, utilization (folded into noc_util); per used endpoint buffer
// "<name>.niu_<x>_<y>_buffer": packets, exhausted_packets.
class Noc {
public:
    Noc(const NocConfig& cfg, int noc_id, std::string name);  // noc_id < cfg.count()

    int id() const { return m_id; }
    const std::string& name() const { return m_name; }
    const NocConfig& config() const { return m_cfg; }

    // Links a unicast packet crosses from src to dst, in order, as the routing policy chooses.
    std::vector<int> route(NocXY src, NocXY dst) const;
    // Cycles a packet of `payload_bytes` holds this NoC's link (or NIU inject port), framed as `f`.
    Cycle link_cycles(uint32_t payload_bytes, Framing f) const;
    Cycle inject_cycles(uint32_t payload_bytes, Framing f) const;
    std::string link_name(int link) const;  // e.g. "noc0.link_3_4_east"

    // One packet from src's NIU to dst's NIU, head leaving no earlier than t_inject; returns the
    // cycle its last flit has been absorbed. src == dst loops back through the NIU.
    Cycle send(NocXY src, NocXY dst, uint32_t payload_bytes, Cycle t_inject);
    // One packet along the union of the unicast routes (a tree), each link reserved once; returns
    // the tail-absorbed cycle per destination, in the order of dsts.
    std::vector<Cycle> multicast(NocXY src, const std::vector<NocXY>& dsts, uint32_t payload_bytes,
                                 Cycle t_inject);

    // The input buffer of the router port that feeds tile `at`'s NIU (see PortBuffer); endpoints
    // slower than a link (DRAM) account the packets waiting for them there.
    PortBuffer& endpoint_buffer(NocXY at) {
        return m_endpoint_buffers[static_cast<size_t>(router(at))];
    }
    // The VC key a packet from `src` on `vc` holds in a router buffer: the static VC number, or,
    // with dynamic VCs, a VC of the source's own (a writer's packets follow one another).
    uint64_t buffer_vc(NocXY src, NocVc vc) const;

    stats::Group& stats() { return m_stats; }
    void reset_stats() { m_stats.reset(); }  // counters only; reservations stay
    // Forgets every reservation (the traffic that made them was dropped).
    void clear_reservations();

private:
    struct Resource {
        BusyIntervals busy;
        uint64_t bytes = 0;
        uint64_t packets = 0;
        Cycle busy_cycles = 0;
    };
    // Serialisation times of one packet on the inject port, a link and the absorb port.
    struct Packet {
        uint64_t bytes;
        Cycle ser_inject;
        Cycle ser_link;
        Cycle ser_absorb;
    };
    // When a packet's head and tail flits reach a router.
    struct Front {
        Cycle head = 0;
        Cycle tail = 0;
    };

    int router(NocXY p) const;  // throws InternalError outside the grid
    // route() between two routers, computed once per pair: a policy's route is a function of the
    // topology and the two ends only, and building the vector was an allocation per packet.
    // Returns where it starts in m_route_links; valid until the next route is computed.
    uint32_t cached_route(NocXY src, NocXY dst);
    uint32_t add_route(NocXY src, NocXY dst, size_t key);  // cached_route's miss, out of line
    std::span<const int> route_links(uint32_t at) const {
        return {m_route_links.data() + at + 1, static_cast<size_t>(m_route_links[at])};
    }
    NocXY router_xy(int r) const { return {r % m_cfg.grid_x, r / m_cfg.grid_x}; }
    int link_target(int link) const;  // router a link leads to (kept in m_link_target)
    Packet make_packet(uint32_t payload_bytes);
    void new_packet_shape(uint32_t payload_bytes);  // make_packet's miss, out of line
    void note_time(Cycle t_inject);
    Cycle occupy(Resource& res, Cycle t_head, Cycle ser, uint64_t bytes);
    Front inject(int r, const Packet& p, Cycle t_inject);
    Front cross(int link, const Packet& p, Front at);
    Cycle absorb(int r, const Packet& p, Front at);
    void register_stats(Resource& res, const std::string& path);

    NocConfig m_cfg;
    int m_id;
    std::string m_name;
    NocTopology m_topo;
    std::unique_ptr<RoutingPolicy> m_routing;
    std::vector<Resource> m_links;               // index router * 2 + (0: x link, 1: y link)
    std::vector<Resource> m_inject;              // index router
    std::vector<Resource> m_absorb;              // index router
    std::vector<int> m_link_target;              // index link: link_target(link)
    std::vector<PortBuffer> m_endpoint_buffers;  // index router
    Cycle m_latest_inject = 0;
    // Cached routes, each its link count then its links, back to back (entry 0 unused), and per
    // src router * routers + dst router where its route starts there (0: not computed yet). An
    // array: the hash lookup it replaced missed the cache on most packets.
    std::vector<int> m_route_links;
    std::vector<uint32_t> m_route_at;
    // The last packet shape made: a NoC's packets mostly have one or two payload sizes, and each
    // shape is three floating-point divisions.
    uint32_t m_last_payload = UINT32_MAX;
    Packet m_last_packet{};
    // Multicast scratch, one entry per router, reused by every multicast: the front reaching a
    // router and the cycle it was absorbed, valid where the stamp equals m_mcast_stamp.
    std::vector<Front> m_mcast_front;
    std::vector<Cycle> m_mcast_absorbed;
    std::vector<uint64_t> m_mcast_reached, m_mcast_absorbed_at;
    std::vector<uint32_t> m_mcast_routes;  // where each destination's route starts
    uint64_t m_mcast_stamp = 0;
    stats::Group m_stats;
    std::deque<stats::Group>
        m_resource_stats;  // one per link, port and buffer; a deque keeps them put
};

}  // namespace tensim
