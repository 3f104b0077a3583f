// The "noc" section of an architecture file: NocConfig and the router buffer in front of slow
// endpoints (PortBufferConfig), each parameter declared once with its unit and meaning.
#include <fmt/format.h>

#include <array>

#include "common/params.hpp"
#include "noc/noc.hpp"

namespace tensim {

void PortBufferConfig::load(Params& n) {
    n.constant("router_vc_reserved_bytes", "B", vc_reserved_bytes,
               "input buffer bytes reserved per VC");
    n.constant("router_shared_pool_bytes", "B", shared_pool_bytes,
               "input buffer bytes shared by an inbound port's VCs");
    n.constant("router_vc_shared_max_bytes", "B", vc_shared_max_bytes,
               "most of the shared pool one VC may hold");
    n.constant("router_exhausted_bytes_per_cycle", "B/cycle", exhausted_bytes_per_cycle,
               "rate a port forwards once its shared pool is exhausted");
    n.require(exhausted_bytes_per_cycle > 0, "router_exhausted_bytes_per_cycle",
              "must be positive");
    n.require(vc_shared_max_bytes <= shared_pool_bytes, "router_vc_shared_max_bytes",
              "must not exceed router_shared_pool_bytes");
}

namespace {

// One NoC's "axis_order" entry, e.g. ["-y", "-x"]: its ring directions and which axis goes first.
NocOrientation orientation(const Params& n, const std::array<std::string, 2>& axes, bool mirrored) {
    NocOrientation o;
    o.mirrored = mirrored;
    int seen = 0;
    for (size_t i = 0; i < 2; ++i) {
        const std::string& a = axes[i];
        n.require(a.size() == 2 && (a[0] == '+' || a[0] == '-') && (a[1] == 'x' || a[1] == 'y'),
                  "axis_order", fmt::format("'{}' is not one of +x, -x, +y, -y", a));
        const int step = a[0] == '+' ? 1 : -1;
        if (a[1] == 'x') {
            o.step_x = step;
            o.x_first = i == 0;
            seen |= 1;
        } else {
            o.step_y = step;
            seen |= 2;
        }
    }
    n.require(seen == 3, "axis_order", "each NoC names the x axis and the y axis once");
    return o;
}

}  // namespace

void NocConfig::load(Params& n) {
    n.constant("flit_bytes", "B", flit_bytes,
               "bytes per flit; a packet is a header flit plus data flits");
    n.constant("max_packet_payload_bytes", "B", max_packet_payload_bytes,
               "largest payload one NoC command moves");
    n.constant("link_bytes_per_cycle", "B/cycle", link_bytes_per_cycle,
               "router-to-router link bandwidth");
    n.constant("router_hop_cycles", "cycles", router_hop_cycles, "head latency per router hop");
    n.constant("niu_latency_cycles", "cycles", niu_latency_cycles,
               "NIU to router, and router to NIU, latency");
    n.constant("niu_inject_bytes_per_cycle", "B/cycle", niu_inject_bytes_per_cycle,
               "NIU to router bandwidth");
    n.constant("niu_absorb_bytes_per_cycle", "B/cycle", niu_absorb_bytes_per_cycle,
               "router to NIU bandwidth");
    endpoint_buffer.load(n);
    n.constant("l1_alignment_bytes", "B", l1_alignment_bytes,
               "source and destination agree modulo this");
    n.constant("dram_alignment_bytes", "B", dram_alignment_bytes,
               "DRAM page alignment of interleaved buffers");

    int count = 0;
    std::vector<std::array<std::string, 2>> axes;
    std::vector<bool> mirrors;
    n.constant("count", "NoCs", count, "independent NoCs over the grid");
    n.constant("routing", "policy", routing, "a registered routing policy (sim/noc/routing.hpp)");
    n.constant("axis_order", "axes per noc, in routing order", axes,
               "per NoC, its x and y ring directions in the order packets take them");
    n.constant("mirrored", "per noc", mirrors,
               "per NoC, whether its coordinates are NoC0's mirrored");
    n.constant("address_local_bits", "bits", address.local_bits,
               "low bits of a NoC address: the local address");
    n.constant("address_node_bits", "bits", address.node_bits,
               "bits of each node id (x, y) above them");

    n.require(flit_bytes > 0, "flit_bytes", "must be positive");
    n.require(link_bytes_per_cycle > 0, "link_bytes_per_cycle", "must be positive");
    n.require(niu_inject_bytes_per_cycle > 0, "niu_inject_bytes_per_cycle", "must be positive");
    n.require(niu_absorb_bytes_per_cycle > 0, "niu_absorb_bytes_per_cycle", "must be positive");
    // Addresses are rounded and checked modulo these (0: SIGFPE). The NoC moves words of
    // l1_alignment_bytes (transactions.cpp place_words): pages land word-aligned only if the word
    // divides the page sizes (tiles of 2048, 1088, 576 B) and DRAM's alignment. Powers of two, as
    // Wormhole's 16 and 32 B are (TTM noc_parameters.h), do; with 24 B a 256^3 matmul's pages
    // were shifted (misaligned-transfer warnings).
    const auto power_of_two = [](uint64_t v) { return v > 0 && (v & (v - 1)) == 0; };
    n.require(power_of_two(l1_alignment_bytes), "l1_alignment_bytes",
              fmt::format("must be a power of two, got {}", l1_alignment_bytes));
    n.require(power_of_two(dram_alignment_bytes), "dram_alignment_bytes",
              fmt::format("must be a power of two, got {}", dram_alignment_bytes));
    n.require(dram_alignment_bytes >= l1_alignment_bytes, "dram_alignment_bytes",
              fmt::format("must be at least l1_alignment_bytes ({}): DRAM pages start on NoC words",
                          l1_alignment_bytes));
    n.require(max_packet_payload_bytes >= flit_bytes, "max_packet_payload_bytes",
              "must hold at least one flit");
    // The kernel API gives kernels noc_index 0 or 1 and my_x[2] / my_y[2], as TT-Metal does.
    n.require(count == 2, "count",
              "tensim's kernel API addresses exactly 2 NoCs (noc_index, my_x[2])");
    n.require(
        axes.size() == static_cast<size_t>(count) && mirrors.size() == static_cast<size_t>(count),
        "axis_order", fmt::format("axis_order and mirrored need one entry per NoC ({})", count));
    n.require(routing_known(routing), "routing",
              fmt::format("unknown routing policy '{}'", routing));
    nocs.clear();
    for (size_t i = 0; i < axes.size(); ++i) nocs.push_back(orientation(n, axes[i], mirrors[i]));
    n.require(address.local_bits > 0 && address.node_bits > 0 &&
                  address.local_bits + 4 * address.node_bits <= 64,
              "address_local_bits", "local bits plus four node ids must fit 64 bits");
    n.require(grid_x - 1 <= address.max_node() && grid_y - 1 <= address.max_node(),
              "address_node_bits",
              fmt::format("{} bits cannot name every tile of the {}x{} grid", address.node_bits,
                          grid_x, grid_y));
}

}  // namespace tensim
