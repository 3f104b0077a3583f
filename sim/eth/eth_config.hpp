// The "eth" section of an architecture file: what an Ethernet tile and a link between two chips
// are made of. Modelled: line rate, per-packet framing, packet split, one-way latency, the RX
// buffer behind credit-based flow control, the ERISC's L1 and its TX command cost. Abstracted:
// the MAC/PCS pipeline, FEC and retransmission (folded into the overhead and the latency).
// Numbers: tt-metal tech_reports/EthernetMultichip/BasicEthernetGuide.md, CCLs/CCL_bandwidth.md,
// eth_l1_address_map.h; ISA EthernetTile/*.md (shared/reference/wormhole_params.md section 9).
#pragma once
#include <cstdint>

#include "common/clock.hpp"

namespace tensim {

class Params;

// Where tensim's ERISC firmware keeps the channel handshake words kernels reach as `erisc_info`
// (TT-Metal's erisc_info_t: 8 channels of {bytes_sent, receiver_ack, reserved x2}), inside the
// reserved bottom of ERISC L1, above the firmware area of tensix/l1_map.hpp. tensim's layout.
namespace eth_l1_map {
constexpr uint32_t erisc_info = 0x14000;
constexpr uint32_t erisc_info_bytes = 256;
constexpr uint32_t channel_sync_bytes = 16;
constexpr uint32_t num_channels = 8;
}  // namespace eth_l1_map

// Defaults are Wormhole's, equal to sim/arch/wormhole_b0.json (test_arch checks); load() in
// eth_config.cpp declares each key with its unit and doc.
struct EthConfig {
    double line_bytes_per_cycle = 12.5;            // B/cycle per direction (100 GbE at 1 GHz)
    uint32_t packet_overhead_bytes = 50;           // B per wire packet: headers, FEC, CRC, gap
    uint32_t max_packet_bytes = 1500;              // B of payload per wire packet (hardware splits)
    Cycle link_latency_cycles = 380;               // cycles one way, last byte out to last byte in
    double tx_fill_bytes_per_cycle = 16.0;         // B/cycle a packet is buffered before the wire
    uint32_t rx_buffer_packets = 16;               // wire packets the receiving port buffers
    double rx_l1_write_bytes_per_cycle = 32.0;     // B/cycle the RX port writes into L1
    uint32_t tx_queues = 2;                        // TX queues per port
    uint32_t rx_queues = 2;                        // RX queues per port
    Cycle cmd_issue_cycles = 30;                   // cycles for an ERISC to program one TX command
    Cycle poll_cycles = 10;                        // cycles of a polling pass that finds its flag
    uint32_t l1_size_kib = 256;                    // KiB of ERISC L1
    uint32_t l1_unreserved_base_bytes = 98304;     // B: first address user kernels may use
    uint32_t l1_unreserved_end_bytes = 262112;     // B: end of the user region (barrier above)
    uint32_t fabric_header_bytes = 48;             // B per 1D fabric packet header
    uint32_t fabric_default_payload_bytes = 4352;  // B default fabric packet payload
    uint32_t fabric_max_payload_bytes = 7616;      // B largest fabric packet payload

    uint32_t l1_size_bytes() const { return l1_size_kib * 1024; }
    // Cycles one wire packet carrying `payload` bytes holds the line.
    Cycle wire_cycles(uint32_t payload) const;
    // Cycles the TX path takes to buffer a packet of `payload` bytes before it may go on the wire.
    Cycle fill_cycles(uint32_t payload) const;
    void load(Params& p);
    bool operator==(const EthConfig&) const = default;
};

}  // namespace tensim
