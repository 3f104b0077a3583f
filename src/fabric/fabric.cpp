// The host side of tensim's 1D fabric (include/tensim/fabric.hpp): finds the Ethernet cores that
// join consecutive chips, sizes the routers' buffers to ERISC L1, adds the router kernels and
// hands workers their connection args.
#include "tensim/fabric.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>
#include <tt-metalium/host_api.hpp>

#include "common/error.hpp"
#include "host/device_impl.hpp"
#include "host/program_impl.hpp"
#include "tensim/kernel_api/fabric/fabric_router_layout.h"

namespace tensim::fabric {

using tt::tt_metal::IDevice;
namespace layout = tensim::fabric_layout;

std::string topology_name(Topology t) { return t == Topology::ring ? "ring" : "line"; }
Topology parse_topology(const std::string& s) {
    if (s == "line") return Topology::line;
    if (s == "ring") return Topology::ring;
    throw std::invalid_argument(fmt::format("unknown topology '{}' (line or ring)", s));
}

namespace {

const EthConfig& eth_of(IDevice* d) { return host::impl_of(*d).system().config().chip.eth; }

// Logical Ethernet cores of `a` whose link ends on chip `b`, by channel.
std::vector<CoreCoord> links_between(IDevice* a, IDevice* b) {
    std::vector<CoreCoord> out;
    for (const CoreCoord& c : a->get_active_ethernet_cores(true))
        if (std::get<0>(a->get_connected_ethernet_core(c)) == b->id()) out.push_back(c);
    std::sort(out.begin(), out.end(), [](const CoreCoord& x, const CoreCoord& y) {
        return std::make_pair(x.y, x.x) < std::make_pair(y.y, y.x);
    });
    return out;
}

}  // namespace

Fabric::Fabric(std::vector<IDevice*> chain, FabricConfig cfg)
    : m_chain(std::move(chain)), m_cfg(cfg) {
    const size_t n = m_chain.size();
    if (n < 2) throw HostError("a fabric needs at least two chips");
    if (cfg.num_links < 1 || cfg.num_links > 4)
        throw HostError(fmt::format("num_links {} is not in 1..4", cfg.num_links));
    if (cfg.worker_channels < 1 ||
        cfg.worker_channels + layout::kMaxVcs > layout::kMaxSenderChannels)
        throw HostError(fmt::format("worker_channels {} is not in 1..{}", cfg.worker_channels,
                                    layout::kMaxSenderChannels - layout::kMaxVcs));
    const EthConfig& eth = eth_of(m_chain[0]);
    m_payload = cfg.max_payload_bytes ? cfg.max_payload_bytes : eth.fabric_default_payload_bytes;
    if (m_payload > eth.fabric_max_payload_bytes)
        throw HostError(fmt::format("fabric payload {} B is above the {} B maximum", m_payload,
                                    eth.fabric_max_payload_bytes));
    m_slot = layout::align16(eth.fabric_header_bytes + m_payload);
    m_base = layout::align16(eth.l1_unreserved_base_bytes);
    // As TT-Metal's builder: fewer slots (halving, receiver first) until the channels fit L1.
    m_sender_slots = cfg.sender_slots;
    m_receiver_slots = cfg.receiver_slots;
    // A ring needs a second virtual channel (own receiver and forwarding buffers) past its
    // dateline.
    const uint32_t vcs = cfg.topology == Topology::ring && m_chain.size() > 2 ? 2 : 1;
    auto bytes = [&] {
        return uint64_t(layout::kControlBytes) +
               uint64_t((cfg.worker_channels + vcs) * m_sender_slots + vcs * m_receiver_slots) *
                   m_slot;
    };
    const uint64_t room = eth.l1_unreserved_end_bytes - m_base;
    while (bytes() > room && (m_sender_slots > 2 || m_receiver_slots > 2)) {
        if (m_receiver_slots >= m_sender_slots && m_receiver_slots > 2)
            m_receiver_slots /= 2;
        else
            m_sender_slots /= 2;
    }
    if (bytes() > room)
        throw HostError(fmt::format("fabric channels of {} B slots do not fit the {} B of ERISC L1",
                                    m_slot, room));

    // Two chips: the ring's closing link is the line's only one.
    if (n == 2) m_cfg.topology = Topology::line;
    m_routers.resize(n);
    const bool ring = m_cfg.topology == Topology::ring;
    for (size_t i = 0; i < n; ++i)
        for (int d = 0; d < 2; ++d) {
            const bool fwd = d == 0;
            if (!ring && ((fwd && i + 1 == n) || (!fwd && i == 0))) continue;
            IDevice* peer = m_chain[fwd ? (i + 1) % n : (i + n - 1) % n];
            auto cores = links_between(m_chain[i], peer);
            if (cores.size() < cfg.num_links)
                throw HostError(fmt::format(
                    "chips {} and {} share {} active Ethernet link(s); the fabric needs {}",
                    m_chain[i]->id(), peer->id(), cores.size(), cfg.num_links));
            // Each plane uses the k-th link; both ends pick the same one when the ports are
            // listed in the same order, which holds because links are matched by channel below.
            cores.resize(cfg.num_links);
            m_routers[i][d] = cores;
        }
    // The two ends of a plane's link must be connected to each other: pick, for each of chip
    // i's forward cores, the core its link lands on as chip i+1's backward core.
    for (size_t i = 0; i < n; ++i) {
        if (m_routers[i][0].empty()) continue;
        std::vector<CoreCoord> back;
        for (const CoreCoord& c : m_routers[i][0])
            back.push_back(std::get<1>(m_chain[i]->get_connected_ethernet_core(c)));
        m_routers[(i + 1) % n][1] = back;
    }
}

bool Fabric::has_router(size_t pos, Direction dir) const {
    return !m_routers.at(pos)[static_cast<int>(dir)].empty();
}

uint32_t Fabric::hops(size_t pos, Direction dir) const {
    const uint32_t n = static_cast<uint32_t>(m_chain.size());
    if (m_cfg.topology == Topology::ring) return n - 1;
    return dir == Direction::forward ? n - 1 - static_cast<uint32_t>(pos)
                                     : static_cast<uint32_t>(pos);
}

CoreCoord Fabric::router_core(size_t pos, Direction dir, uint32_t link) const {
    const auto& v = m_routers.at(pos)[static_cast<int>(dir)];
    if (link >= v.size())
        throw HostError(fmt::format("no fabric router at chain position {} facing {} on link {}",
                                    pos, dir == Direction::forward ? "forward" : "backward", link));
    return v[link];
}

void Fabric::add_routers(const std::vector<tt::tt_metal::Program*>& programs) const {
    if (programs.size() != m_chain.size())
        throw HostError("add_routers needs one program per chip of the fabric");
    for (size_t i = 0; i < m_chain.size(); ++i)
        for (int d = 0; d < 2; ++d)
            for (uint32_t l = 0; l < m_routers[i][d].size(); ++l) {
                const CoreCoord core = m_routers[i][d][l];
                const auto other = static_cast<Direction>(1 - d);
                const bool partner = has_router(i, other);
                CoreCoord pxy{0, 0};
                if (partner)
                    pxy = m_chain[i]->ethernet_core_from_logical_core(router_core(i, other, l));
                tt::tt_metal::Program& p = *programs[i];
                auto k = tt::tt_metal::CreateKernel(
                    p, "kernels/fabric/fabric_erisc_router.cpp", core,
                    tt::tt_metal::EthernetConfig{.noc = tt::tt_metal::NOC::NOC_0});
                host::impl_of(p).kernels[k].persistent = true;
                std::vector<uint32_t> args(layout::kArgCount);
                args[layout::kArgBase] = m_base;
                args[layout::kArgSlotBytes] = m_slot;
                args[layout::kArgSenderSlots] = m_sender_slots;
                args[layout::kArgReceiverSlots] = m_receiver_slots;
                args[layout::kArgWorkerChannels] = m_cfg.worker_channels;
                const bool ring = m_cfg.topology == Topology::ring;
                args[layout::kArgVcs] = ring ? 2 : 1;
                // The dateline: the link closing the ring, in each direction.
                const size_t last = m_chain.size() - 1;
                args[layout::kArgDateline] =
                    ring && ((d == 0 && i == last) || (d == 1 && i == 0)) ? 1 : 0;
                args[layout::kArgHasPartner] = partner ? 1 : 0;
                args[layout::kArgPartnerX] = static_cast<uint32_t>(pxy.x);
                args[layout::kArgPartnerY] = static_cast<uint32_t>(pxy.y);
                args[layout::kArgPacketCycles] = m_cfg.router_packet_cycles;
                tt::tt_metal::SetRuntimeArgs(p, k, core, args);
            }
}

void Fabric::append_connection_rt_args(size_t pos, Direction dir, uint32_t link, uint32_t channel,
                                       tt::tt_metal::Program& program, const CoreCoord& core,
                                       std::vector<uint32_t>& args) const {
    if (channel >= m_cfg.worker_channels)
        throw HostError(fmt::format("worker channel {} is not below the fabric's {}", channel,
                                    m_cfg.worker_channels));
    const CoreCoord xy =
        m_chain.at(pos)->ethernet_core_from_logical_core(router_core(pos, dir, link));
    const uint32_t sem = tt::tt_metal::CreateSemaphore(program, CoreRange(core, core), 0);
    args.insert(args.end(), {static_cast<uint32_t>(xy.x), static_cast<uint32_t>(xy.y), m_base,
                             channel, m_sender_slots, m_slot, sem});
}

std::vector<IDevice*> Fabric::find_chain(const std::vector<IDevice*>& devices, size_t n, Topology t,
                                         uint32_t num_links) {
    if (n < 2 || n > devices.size())
        throw HostError(fmt::format("a chain of {} chips from a system of {}", n, devices.size()));
    // Neighbours with enough links, tried in order of chip id.
    std::vector<std::vector<size_t>> adj(devices.size());
    for (size_t a = 0; a < devices.size(); ++a)
        for (size_t b = 0; b < devices.size(); ++b)
            if (a != b && links_between(devices[a], devices[b]).size() >= num_links)
                adj[a].push_back(b);
    std::vector<size_t> path;
    std::vector<bool> used(devices.size());
    size_t budget = 2'000'000;  // search steps before giving up
    // Depth-first search for a simple path of n chips (closing back to the first for a ring);
    // neighbours with fewer free neighbours first (Warnsdorff), which finds grid cycles quickly.
    std::function<bool(size_t)> dfs = [&](size_t v) -> bool {
        if (budget-- == 0) return false;
        path.push_back(v);
        used[v] = true;
        if (path.size() == n) {
            const bool closes = t == Topology::line || n == 2 ||
                                std::count(adj[v].begin(), adj[v].end(), path.front()) > 0;
            if (closes) return true;
        } else {
            std::vector<size_t> next;
            for (size_t w : adj[v])
                if (!used[w]) next.push_back(w);
            auto free_of = [&](size_t w) {
                return std::count_if(adj[w].begin(), adj[w].end(),
                                     [&](size_t x) { return !used[x]; });
            };
            std::stable_sort(next.begin(), next.end(),
                             [&](size_t a, size_t b) { return free_of(a) < free_of(b); });
            for (size_t w : next)
                if (dfs(w)) return true;
        }
        used[v] = false;
        path.pop_back();
        return false;
    };
    for (size_t s = 0; s < devices.size(); ++s)
        if (dfs(s)) {
            std::vector<IDevice*> out;
            for (size_t v : path) out.push_back(devices[v]);
            return out;
        }
    throw HostError(fmt::format("the system has no {} of {} chips joined by {} link(s) each",
                                topology_name(t), n, num_links));
}

}  // namespace tensim::fabric
