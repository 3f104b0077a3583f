// `tensim calibrate` on the fabric: kind `ccl` (one collective through tensim::ops::run_ccl, its
// device time) and the fabric paths of `eth_latency` (fabric_1d round trips and per-hop latency,
// kernels/fabric/fabric_ping.cpp) and `eth_transfer` (path fabric, kernels/fabric/
// fabric_stream.cpp), all on the case's multi-chip system with the routers of tensim::fabric.
// The raw ERISC paths are predict_eth.cpp's.
#include <fmt/format.h>

#include <tt-metalium/host_api.hpp>

#include "common/error.hpp"
#include "predict.hpp"
#include "tensim/fabric.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"
#include "tensix/l1_map.hpp"

namespace tensim::calibrate {

using tt::tt_metal::IDevice;
using tt::tt_metal::Program;

namespace {

constexpr uint32_t kSrc = 0x40000, kDst = 0x50000;  // worker L1 for probe payloads

// Opens every chip of the current system; closes them when it goes.
struct Chips {
    std::vector<IDevice*> all;
    Chips() {
        for (size_t i = 0; i < tt::tt_metal::GetNumAvailableDevices(); ++i)
            all.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
    }
    ~Chips() {
        for (auto* d : all) tt::tt_metal::CloseDevice(d);
    }
};

struct Probe {
    fabric::Fabric fab;
    std::vector<Program> programs;
    Probe(std::vector<IDevice*> chain, fabric::Topology t)
        : fab(std::move(chain), {.topology = t}) {
        for (size_t i = 0; i < fab.size(); ++i) programs.push_back(tt::tt_metal::CreateProgram());
    }
    // A probe kernel on core (0,0) of chain position `pos`, with a 64 B header CB.
    void kernel(size_t pos, const char* file, std::vector<uint32_t> args,
                std::optional<fabric::Direction> dir) {
        Program& p = programs[pos];
        const CoreCoord core{0, 0};
        tt::tt_metal::CreateCircularBuffer(
            p, CoreRange(core, core),
            tt::tt_metal::CircularBufferConfig(64, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                .set_page_size(tt::CBIndex::c_0, 64));
        if (dir) fab.append_connection_rt_args(pos, *dir, 0, 0, p, core, args);
        auto k = tt::tt_metal::CreateKernel(p, file, core, tt::tt_metal::DataMovementConfig{});
        tt::tt_metal::SetRuntimeArgs(p, k, core, args);
    }
    void run() {
        std::vector<Program*> ps;
        for (auto& p : programs) ps.push_back(&p);
        fab.add_routers(ps);
        for (size_t i = 0; i < fab.size(); ++i)
            tt::tt_metal::EnqueueProgram(fab.device(i)->command_queue(), programs[i], false);
        tt::tt_metal::Finish(fab.device(0)->command_queue());
    }
};

// Round trip in cycles between line positions `from` and `to` of a line of n chips.
double round_trip(uint32_t n, uint32_t from, uint32_t to, uint32_t payload) {
    Chips chips;
    Probe pr(fabric::Fabric::find_chain(chips.all, n, fabric::Topology::line, 1),
             fabric::Topology::line);
    const uint32_t hops = to - from;
    // Semaphores 0 (ping) and 1 (result), created first so both ends agree on them.
    for (size_t i : {size_t(from), size_t(to)}) {
        auto& p = pr.programs[i];
        tt::tt_metal::CreateSemaphore(p, CoreRange({0, 0}, {0, 0}), 0);
        tt::tt_metal::CreateSemaphore(p, CoreRange({0, 0}, {0, 0}), 0);
    }
    const CoreCoord w = pr.fab.device(from)->worker_core_from_logical_core({0, 0});
    auto args = [&](bool init) {
        return std::vector<uint32_t>{init ? 1u : 0u,
                                     hops,
                                     payload,
                                     kSrc,
                                     kDst,
                                     0,
                                     1,
                                     2,
                                     static_cast<uint32_t>(w.x),
                                     static_cast<uint32_t>(w.y)};
    };
    pr.kernel(from, "kernels/fabric/fabric_ping.cpp", args(true), fabric::Direction::forward);
    pr.kernel(to, "kernels/fabric/fabric_ping.cpp", args(false), fabric::Direction::backward);
    pr.run();
    std::vector<uint32_t> v;
    tt::tt_metal::detail::ReadFromDeviceL1(pr.fab.device(from), {0, 0}, l1_map::semaphore(1), 4, v);
    return v.at(0);
}

Prediction fabric_latency(const Case& c, const Params& p) {
    Prediction out;
    const double ghz = 1.0;  // Wormhole's AI clock; cycles are ns
    const std::string type = p.need<std::string>("latency_type");
    if (type == "per_hop") {
        const double far = round_trip(8, 0, 7, 0), near = round_trip(8, 6, 7, 0);
        out.value = (far - near) / 6 / 2 / ghz;
        out.notes.push_back(fmt::format(
            "half the slope of the round trip over hops: {:.0f} cycles at 7 hops, {:.0f} at 1", far,
            near));
        return out;
    }
    if (type != "round_trip") throw Skip{fmt::format("fabric latency type '{}'", type)};
    const uint32_t n = p.get<uint32_t>("num_devices").value_or(8), hops = p.need<uint32_t>("hops");
    if (hops >= n) throw Skip{"more hops than chips"};
    const uint32_t payload = p.get<uint32_t>("packet_bytes").value_or(0);
    out.value = round_trip(n, n - 1 - hops, n - 1, payload) / ghz;
    out.notes.push_back(fmt::format("ping from line index {} to {} and back, {} B payload",
                                    n - 1 - hops, n - 1, payload));
    (void)c;
    return out;
}

Prediction fabric_bandwidth(const Case& c, const Params& p) {
    (void)c;
    Prediction out;
    const std::string test = p.need<std::string>("fabric_test");
    const uint32_t n = p.get<uint32_t>("num_devices").value_or(2);
    const uint32_t payload = p.need<uint32_t>("packet_bytes");
    const uint32_t packets = p.get<uint32_t>("num_packets").value_or(1000);
    const bool ring = test.find("ring") != std::string::npos;
    const bool mcast = test.rfind("mcast", 0) == 0;
    uint32_t start = 1, range = 1;
    if (test == "unicast_linear")
        start = n - 1;
    else if (test == "mcast_linear")
        range = n - 1;
    else if (test == "mcast_half_ring")
        range = n / 2;
    else
        throw Skip{fmt::format("fabric test '{}' is not modelled", test)};
    Chips chips;
    const auto topo = ring ? fabric::Topology::ring : fabric::Topology::line;
    Probe pr(fabric::Fabric::find_chain(chips.all, n, topo, 1), topo);
    for (auto& prog : pr.programs)
        tt::tt_metal::CreateSemaphore(prog, CoreRange({0, 0}, {0, 0}), 0);
    const CoreCoord w = pr.fab.device(0)->worker_core_from_logical_core({0, 0});
    std::vector<uint32_t> a{packets,
                            payload,
                            start,
                            range,
                            kSrc,
                            kDst,
                            0,
                            static_cast<uint32_t>(w.x),
                            static_cast<uint32_t>(w.y)};
    pr.kernel(0, "kernels/fabric/fabric_stream.cpp", a, fabric::Direction::forward);
    a[0] = 0;
    for (uint32_t h = start; h < start + range; ++h)
        pr.kernel(h, "kernels/fabric/fabric_stream.cpp", a, std::nullopt);
    pr.run();
    // From the sender's start to the last receiver's end.
    uint64_t t0 = UINT64_MAX, t1 = 0;
    for (size_t i = 0; i < pr.fab.size(); ++i)
        for (const auto& k : tensim::last_program_stats(pr.fab.device(i)).kernels) {
            if (k.kernel.find("fabric_stream") == std::string::npos) continue;
            if (i == 0)
                t0 = std::min<uint64_t>(t0, k.start_cycle);
            else
                t1 = std::max<uint64_t>(t1, k.end_cycle);
        }
    out.value = double(payload) * packets / double(t1 - t0);
    out.notes.push_back(fmt::format(
        "{} packets of {} B, {} to {} chip(s) from {} hop(s) on a {} of {}", packets, payload,
        mcast ? "multicast" : "unicast", range, start, fabric::topology_name(topo), n));
    return out;
}

}  // namespace

bool is_fabric_case(const Case& c) {
    if (c.kind == "ccl") return true;
    if (!c.params.contains("path") || !c.params.at("path").is_string()) return false;
    const std::string path = c.params.at("path").get<std::string>();
    return (c.kind == "eth_latency" && path.rfind("fabric", 0) == 0) ||
           (c.kind == "eth_transfer" && path == "fabric");
}

Prediction predict_fabric(const Case& c) {
    const Params p(c.params);
    const std::string prev_numerics = tensim::numerics_mode_name();
    tensim::set_numerics("timing");  // values do not change the timing of data movement
    struct Restore {
        std::string n;
        ~Restore() { tensim::set_numerics(n); }
    } restore{prev_numerics};
    if (c.system != "t3000" && c.system != "galaxy" && c.system != "n300")
        throw Skip{fmt::format("system '{}' has no fabric", c.system)};
    tensim::set_system(c.system);
    if (c.kind == "eth_latency") {
        if (p.need<std::string>("path") != "fabric_1d")
            throw Skip{"only the 1D fabric is modelled"};
        return fabric_latency(c, p);
    }
    if (c.kind == "eth_transfer") return fabric_bandwidth(c, p);
    // ccl
    Prediction out;
    ops::CclConfig cfg;
    const auto op = ops::parse_ccl_op(p.need<std::string>("op"));
    const uint32_t n = p.need<uint32_t>("num_devices");
    cfg.topology = fabric::parse_topology(p.need<std::string>("topology"));
    const ops::DType dt = ops::parse_dtype(p.need<std::string>("dtype"));
    cfg.num_links = p.get<uint32_t>("num_links").value_or(1);
    if (auto pb = p.get<uint32_t>("page_bytes"); pb && *pb != ops::tile_bytes(dt))
        throw Skip{fmt::format("pages of {} B are not tiles of {}", *pb, ops::dtype_name(dt))};
    cfg.max_payload_bytes = p.get<uint32_t>("fabric_packet_bytes").value_or(0);
    if (p.get<std::string>("memory").value_or("dram") == "l1")
        cfg.out_mem = ops::MemoryConfig::l1_interleaved();
    const auto r = ops::run_ccl(op, n, p.need<uint64_t>("bytes"), dt, cfg);
    out.value = r.device_time_us;
    out.notes.push_back(r.plan.describe());
    out.notes.push_back(fmt::format("busbw {:.2f} GB/s, per link {:.2f} GB/s, chips {}",
                                    r.busbw_gbps, r.link_gbps, fmt::join(r.chips, "-")));
    return out;
}

}  // namespace tensim::calibrate
