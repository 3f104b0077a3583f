#include "noc/noc.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/error.hpp"

namespace tensim {

namespace {

// Requests arrive in roughly nondecreasing t_inject; intervals that ended this long before the
// latest one can no longer be hit, so they are dropped to keep the lists short.
constexpr Cycle kPruneMarginCycles = 100000;

}  // namespace

Noc::Noc(const NocConfig& cfg, int noc_id, std::string name)
    : m_cfg(cfg), m_id(noc_id), m_name(std::move(name)), m_stats(m_name) {
    if (noc_id < 0 || noc_id >= cfg.count())
        throw InternalError(m_name + ": noc_id must be below " + std::to_string(cfg.count()) +
                            ", got " + std::to_string(noc_id));
    if (cfg.grid_x <= 0 || cfg.grid_y <= 0) throw ConfigError(m_name + ": grid must be positive");
    if (cfg.flit_bytes == 0) throw ConfigError(m_name + ": flit_bytes must be positive");
    if (!(cfg.link_bytes_per_cycle > 0) || !(cfg.niu_inject_bytes_per_cycle > 0) ||
        !(cfg.niu_absorb_bytes_per_cycle > 0))
        throw ConfigError(m_name + ": bandwidths must be positive");
    const size_t routers = static_cast<size_t>(cfg.grid_x) * static_cast<size_t>(cfg.grid_y);
    m_links.resize(routers * 2);
    m_inject.resize(routers);
    m_absorb.resize(routers);
    m_endpoint_buffers.assign(routers, PortBuffer(cfg.endpoint_buffer));
    const NocOrientation& o = cfg.nocs[static_cast<size_t>(noc_id)];
    m_topo = {cfg.grid_x, cfg.grid_y, o.step_x, o.step_y};
    m_routing = make_routing(cfg.routing, cfg, noc_id);

    for (size_t i = 0; i < m_links.size(); ++i) {
        register_stats(m_links[i], link_name(static_cast<int>(i)));
        m_link_target.push_back(link_target(static_cast<int>(i)));
    }
    for (size_t r = 0; r < routers; ++r) {
        const NocXY p = router_xy(static_cast<int>(r));
        const std::string niu = m_name + ".niu_" + std::to_string(p.x) + "_" + std::to_string(p.y);
        register_stats(m_inject[r], niu + "_inject");
        register_stats(m_absorb[r], niu + "_absorb");
        m_resource_stats.emplace_back(niu + "_buffer");
        m_endpoint_buffers[r].register_stats(m_resource_stats.back());
        m_stats.add(m_resource_stats.back());
    }
}

void Noc::register_stats(Resource& res, const std::string& path) {
    stats::Group& g = m_resource_stats.emplace_back(path);
    g.shown_if(res.packets)
        .counter("bytes", res.bytes, "B", "bytes carried, header flits included")
        .counter("packets", res.packets, "packets", "packets carried")
        .counter("busy_cycles", res.busy_cycles, "cycles", "cycles reserved by packets")
        .formula(
            "utilization",
            [&res](const stats::Window& w) {
                return static_cast<double>(res.busy_cycles) / w.elapsed_cycles;
            },
            "1", "busy_cycles / elapsed cycles")
        .folds_into(stats::figure::noc_util, stats::Fold::max);
    m_stats.add(g);
}

Cycle Noc::link_cycles(uint32_t payload_bytes, Framing f) const {
    return serialisation_cycles(payload_bytes, m_cfg.flit_bytes, m_cfg.link_bytes_per_cycle, f);
}

Cycle Noc::inject_cycles(uint32_t payload_bytes, Framing f) const {
    return serialisation_cycles(payload_bytes, m_cfg.flit_bytes, m_cfg.niu_inject_bytes_per_cycle,
                                f);
}

uint64_t Noc::buffer_vc(NocXY src, NocVc vc) const {
    if (!vc.dynamic) return vc.number;
    return 256 + static_cast<uint64_t>(router(src));  // above every static VC number
}

namespace {
// Out of line, so that the check it follows is small enough to inline (a few calls per packet).
[[noreturn, gnu::cold, gnu::noinline]] void outside_grid(const std::string& noc, NocXY p) {
    throw InternalError(noc + ": tile " + std::to_string(p.x) + "-" + std::to_string(p.y) +
                        " is outside the grid");
}
}  // namespace

int Noc::router(NocXY p) const {
    if (p.x < 0 || p.x >= m_cfg.grid_x || p.y < 0 || p.y >= m_cfg.grid_y) outside_grid(m_name, p);
    return p.y * m_cfg.grid_x + p.x;
}

int Noc::link_target(int link) const {
    NocXY p = router_xy(link / 2);
    const int gx = m_cfg.grid_x, gy = m_cfg.grid_y;
    if (link % 2 == 0)
        p.x = (p.x + m_topo.step_x + gx) % gx;
    else
        p.y = (p.y + m_topo.step_y + gy) % gy;
    return router(p);
}

std::vector<int> Noc::route(NocXY src, NocXY dst) const {
    router(src);
    router(dst);
    return m_routing->route(m_topo, src, dst);
}

std::string Noc::link_name(int link) const {
    if (link < 0 || static_cast<size_t>(link) >= m_links.size())
        throw InternalError(m_name + ": no link " + std::to_string(link));
    const NocXY p = router_xy(link / 2);
    const char* dir = link % 2 == 0 ? (m_topo.step_x > 0 ? "east" : "west")
                                    : (m_topo.step_y > 0 ? "south" : "north");
    return m_name + ".link_" + std::to_string(p.x) + "_" + std::to_string(p.y) + "_" + dir;
}

// make_packet's work when the shape changes (three divisions), out of line so the common case
// inlines.
[[gnu::noinline]] void Noc::new_packet_shape(uint32_t payload_bytes) {
    if (payload_bytes > m_cfg.max_packet_payload_bytes)
        throw InternalError(m_name + ": packet payload " + std::to_string(payload_bytes) +
                            " B exceeds " + std::to_string(m_cfg.max_packet_payload_bytes) + " B");
    const uint64_t bytes = framed_bytes(payload_bytes, m_cfg.flit_bytes, Framing::whole_flits);
    m_last_packet = {bytes, serialisation_cycles(bytes, m_cfg.niu_inject_bytes_per_cycle),
                     serialisation_cycles(bytes, m_cfg.link_bytes_per_cycle),
                     serialisation_cycles(bytes, m_cfg.niu_absorb_bytes_per_cycle)};
    m_last_payload = payload_bytes;
}

inline Noc::Packet Noc::make_packet(uint32_t payload_bytes) {
    if (payload_bytes != m_last_payload) new_packet_shape(payload_bytes);
    return m_last_packet;
}

inline void Noc::note_time(Cycle t_inject) {
    m_latest_inject = std::max(m_latest_inject, t_inject);
}

[[gnu::always_inline]] inline Cycle Noc::occupy(Resource& res, Cycle t_head, Cycle ser,
                                                uint64_t bytes) {
    if (m_latest_inject > kPruneMarginCycles) res.busy.prune(m_latest_inject - kPruneMarginCycles);
    const Cycle start = res.busy.reserve(t_head, ser);
    res.bytes += bytes;
    res.packets += 1;
    res.busy_cycles += ser;
    return start;
}

// Cut-through timing. `head` is when the head flit reaches the current router, `tail` when the
// last flit does. An element starts when the head arrives and it is free, and lets the tail out
// after its own serialisation or after the tail reached it, whichever is later; both then take
// the element's latency to the next router. Uncontended with equal bandwidths this gives
// t + 2 * niu_latency + hops * router_hop + ser.
inline Noc::Front Noc::inject(int r, const Packet& p, Cycle t_inject) {
    const Cycle s = occupy(m_inject[r], t_inject, p.ser_inject, p.bytes);
    return {s + m_cfg.niu_latency_cycles, s + p.ser_inject + m_cfg.niu_latency_cycles};
}

inline Noc::Front Noc::cross(int link, const Packet& p, Front at) {
    const Cycle s = occupy(m_links[link], at.head, p.ser_link, p.bytes);
    return {s + m_cfg.router_hop_cycles,
            std::max(s + p.ser_link, at.tail) + m_cfg.router_hop_cycles};
}

inline Cycle Noc::absorb(int r, const Packet& p, Front at) {
    const Cycle s = occupy(m_absorb[r], at.head, p.ser_absorb, p.bytes);
    return std::max(s + p.ser_absorb, at.tail) + m_cfg.niu_latency_cycles;
}

// cached_route's work for a pair not routed yet (and the table's first use), out of line so the
// lookup inlines.
[[gnu::noinline]] uint32_t Noc::add_route(NocXY src, NocXY dst, size_t key) {
    if (m_route_at.empty()) {
        const size_t routers = m_inject.size();
        m_route_at.assign(routers * routers, 0);
        m_route_links.assign(1, 0);  // offset 0 means "not computed"
    }
    uint32_t at = m_route_at[key];
    if (at == 0) {
        const std::vector<int> links = m_routing->route(m_topo, src, dst);
        at = static_cast<uint32_t>(m_route_links.size());
        m_route_links.push_back(static_cast<int>(links.size()));
        m_route_links.insert(m_route_links.end(), links.begin(), links.end());
        m_route_at[key] = at;
    }
    return at;
}

inline uint32_t Noc::cached_route(NocXY src, NocXY dst) {
    const size_t key =
        static_cast<size_t>(router(src)) * m_inject.size() + static_cast<size_t>(router(dst));
    if (key < m_route_at.size())
        if (const uint32_t at = m_route_at[key]) return at;
    return add_route(src, dst, key);
}

Cycle Noc::send(NocXY src, NocXY dst, uint32_t payload_bytes, Cycle t_inject) {
    const uint32_t route = cached_route(src, dst);
    const Packet p = make_packet(payload_bytes);
    note_time(t_inject);
    Front at = inject(router(src), p, t_inject);
    for (int link : route_links(route)) at = cross(link, p, at);
    return absorb(router(dst), p, at);
}

std::vector<Cycle> Noc::multicast(NocXY src, const std::vector<NocXY>& dsts, uint32_t payload_bytes,
                                  Cycle t_inject) {
    std::vector<Cycle> done(dsts.size());
    if (dsts.empty()) return done;
    // Where each route starts (offsets stay valid while later routes are added).
    std::vector<uint32_t>& routes = m_mcast_routes;
    routes.clear();
    for (const NocXY& d : dsts) routes.push_back(cached_route(src, d));  // validates first
    const Packet p = make_packet(payload_bytes);
    note_time(t_inject);

    // Dimension-order routes from one source form a tree: every router is entered by one link.
    if (m_mcast_front.empty()) {
        m_mcast_front.resize(m_inject.size());
        m_mcast_absorbed.resize(m_inject.size());
        m_mcast_reached.assign(m_inject.size(), 0);
        m_mcast_absorbed_at.assign(m_inject.size(), 0);
    }
    const uint64_t stamp = ++m_mcast_stamp;
    const int rs = router(src);
    m_mcast_front[rs] = inject(rs, p, t_inject);
    m_mcast_reached[rs] = stamp;
    for (size_t i = 0; i < dsts.size(); ++i) {
        int from = rs;
        for (int link : route_links(routes[i])) {
            const int to = m_link_target[static_cast<size_t>(link)];
            if (m_mcast_reached[to] != stamp) {
                m_mcast_front[to] = cross(link, p, m_mcast_front[from]);
                m_mcast_reached[to] = stamp;
            }
            from = to;
        }
        if (m_mcast_absorbed_at[from] != stamp) {  // dsts may repeat: absorbed once per router
            m_mcast_absorbed[from] = absorb(from, p, m_mcast_front[from]);
            m_mcast_absorbed_at[from] = stamp;
        }
        done[i] = m_mcast_absorbed[from];
    }
    return done;
}

void Noc::clear_reservations() {
    for (auto* v : {&m_links, &m_inject, &m_absorb})
        for (auto& r : *v) r.busy.clear();
    for (PortBuffer& b : m_endpoint_buffers) b.clear();
}

}  // namespace tensim
