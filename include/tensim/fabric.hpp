// tensim's 1D TT-Fabric on the host side: routers (kernels/fabric/fabric_erisc_router.cpp) on the
// Ethernet cores joining consecutive chips of a line or ring, and the runtime args that connect a
// Tensix worker to one of them (the worker side is
// kernel_api/fabric/edm_fabric_worker_adapters.hpp). Modelled after TT-Metal's FABRIC_1D /
// FABRIC_1D_RING: per neighbour and link one router on each chip facing it; a packet is unicast to
// the chip `d` hops away or multicast to a range of chips, forwarded by the routers of the chips in
// between. Each link is its own routing plane. Numbers (TT-Metal defaults,
// tt_metal/fabric/builder/fabric_builder_config.hpp and erisc_datamover_builder.cpp;
// tech_reports/CCLs/CCL_bandwidth.md): 8 sender and 16 receiver buffer slots per channel on
// Wormhole lines and rings, a 48 B header, the max payload from the chip's eth section (4352 B
// default, 7616 B max). The router's per-packet firmware cycles are tensim's calibrated figure
// (docs/ccl.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensim/host/core_coord.hpp"

namespace tt::tt_metal {
class IDevice;
class Program;
}  // namespace tt::tt_metal

namespace tensim::fabric {

enum class Topology { line, ring };
std::string topology_name(Topology t);
Topology parse_topology(const std::string& s);  // "line" | "ring"; std::invalid_argument

// Along the chain: toward position i+1 (forward) or i-1 (backward).
enum class Direction { forward = 0, backward = 1 };

struct FabricConfig {
    Topology topology = Topology::line;
    uint32_t num_links = 1;          // routing planes: links used between neighbours (1..4)
    uint32_t max_payload_bytes = 0;  // per packet; 0 = eth.fabric_default_payload_bytes
    uint32_t sender_slots = 8;       // buffer slots per sender channel (TT-Metal WH default)
    uint32_t receiver_slots = 16;    // buffer slots in the receiver channel (TT-Metal WH default)
    uint32_t worker_channels = 1;    // sender channels for workers, per router (1..4)
    // ERISC firmware cycles per packet a router sends or handles: reading the counters and the
    // header, programming the command, updating credits. Calibrated (docs/ccl.md).
    uint32_t router_packet_cycles = 20;
};

class Fabric {
public:
    // `chain` holds the devices in line or ring order; neighbours (and, for a ring, the last and
    // the first) must share at least num_links active Ethernet links. HostError otherwise.
    Fabric(std::vector<tt::tt_metal::IDevice*> chain, FabricConfig cfg);

    const FabricConfig& config() const { return m_cfg; }
    size_t size() const { return m_chain.size(); }
    tt::tt_metal::IDevice* device(size_t pos) const { return m_chain[pos]; }
    // The payload a packet may carry (the configured max), and the 48 B header.
    uint32_t max_payload_bytes() const { return m_payload; }
    uint32_t slot_bytes() const { return m_slot; }
    uint32_t sender_slots() const { return m_sender_slots; }
    uint32_t receiver_slots() const { return m_receiver_slots; }
    // Whether position `pos` has a router facing `dir` (a line's ends lack one).
    bool has_router(size_t pos, Direction dir) const;
    // Chips reachable from `pos` going `dir` (line: to the end; ring: size()-1).
    uint32_t hops(size_t pos, Direction dir) const;

    // Adds the routers to the program of each position (programs[pos], chain order).
    void add_routers(const std::vector<tt::tt_metal::Program*>& programs) const;
    // Appends to `args` what a worker at `core` of position `pos` needs to send toward `dir` on
    // `link` through worker channel `channel` (WorkerToFabricEdmSender::build_from_args reads
    // them); creates the worker's credit semaphore in `program`.
    void append_connection_rt_args(size_t pos, Direction dir, uint32_t link, uint32_t channel,
                                   tt::tt_metal::Program& program, const CoreCoord& core,
                                   std::vector<uint32_t>& args) const;
    // The logical Ethernet core of the router at `pos` facing `dir` on `link`.
    CoreCoord router_core(size_t pos, Direction dir, uint32_t link) const;

    // A chain of `n` of `devices` in which neighbours (and, for a ring, the ends) share at least
    // `num_links` active links; HostError when the system has none.
    static std::vector<tt::tt_metal::IDevice*> find_chain(
        const std::vector<tt::tt_metal::IDevice*>& devices, size_t n, Topology t,
        uint32_t num_links);

private:
    std::vector<tt::tt_metal::IDevice*> m_chain;
    FabricConfig m_cfg;
    uint32_t m_payload = 0, m_slot = 0, m_sender_slots = 0, m_receiver_slots = 0;
    uint32_t m_base = 0;  // router control block in ERISC L1
    // [pos][dir][link]: logical Ethernet core, or (-1,-1)
    std::vector<std::array<std::vector<CoreCoord>, 2>> m_routers;
};

}  // namespace tensim::fabric
