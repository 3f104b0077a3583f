// The "eth" section: EthConfig's keys, each declared once with its unit and meaning.
#include "eth/eth_config.hpp"

#include <cmath>

#include "common/params.hpp"

namespace tensim {

Cycle EthConfig::wire_cycles(uint32_t payload) const {
    return static_cast<Cycle>(
        std::ceil(double(payload + packet_overhead_bytes) / line_bytes_per_cycle));
}

Cycle EthConfig::fill_cycles(uint32_t payload) const {
    return static_cast<Cycle>(std::ceil(double(payload) / tx_fill_bytes_per_cycle));
}

void EthConfig::load(Params& e) {
    e.constant("line_bytes_per_cycle", "B/cycle", line_bytes_per_cycle,
               "line rate per link per direction");
    e.constant("packet_overhead_bytes", "B", packet_overhead_bytes,
               "wire bytes added to each packet (headers, FEC, CRC)");
    e.constant("max_packet_bytes", "B", max_packet_bytes,
               "largest payload of one wire packet; longer sends are split");
    e.constant("link_latency_cycles", "cycles", link_latency_cycles,
               "one-way latency of a link, added to each packet's delivery");
    e.constant("tx_fill_bytes_per_cycle", "B/cycle", tx_fill_bytes_per_cycle,
               "rate the TX path buffers a whole packet before it goes on the wire");
    e.constant("rx_buffer_packets", "packets", rx_buffer_packets,
               "packets the receiving port holds before L1 takes them (credits)");
    e.constant("rx_l1_write_bytes_per_cycle", "B/cycle", rx_l1_write_bytes_per_cycle,
               "rate the receiving port drains packets into ERISC L1");
    e.constant("tx_queues", "queues", tx_queues, "TX queues per Ethernet port");
    e.constant("rx_queues", "queues", rx_queues, "RX queues per Ethernet port");
    e.constant("cmd_issue_cycles", "cycles", cmd_issue_cycles,
               "ERISC cost of programming one TX queue command");
    e.constant("poll_cycles", "cycles", poll_cycles,
               "ERISC cost of the polling pass that finds a handshake word changed");
    e.constant("l1_size_kib", "KiB", l1_size_kib, "ERISC L1 size");
    e.constant("l1_unreserved_base_bytes", "B", l1_unreserved_base_bytes,
               "first ERISC L1 address user kernels may use");
    e.constant("l1_unreserved_end_bytes", "B", l1_unreserved_end_bytes,
               "end of the ERISC L1 region user kernels may use");
    e.constant("fabric_header_bytes", "B", fabric_header_bytes, "1D fabric packet header");
    e.constant("fabric_default_payload_bytes", "B", fabric_default_payload_bytes,
               "default fabric packet payload");
    e.constant("fabric_max_payload_bytes", "B", fabric_max_payload_bytes,
               "largest fabric packet payload");
    e.require(line_bytes_per_cycle > 0, "line_bytes_per_cycle", "must be positive");
    e.require(tx_fill_bytes_per_cycle > 0, "tx_fill_bytes_per_cycle", "must be positive");
    e.require(rx_l1_write_bytes_per_cycle > 0, "rx_l1_write_bytes_per_cycle", "must be positive");
    e.require(max_packet_bytes >= 16, "max_packet_bytes", "must be at least 16 B");
    e.require(rx_buffer_packets >= 1, "rx_buffer_packets", "needs at least one credit");
    e.require(l1_unreserved_base_bytes >= eth_l1_map::erisc_info + eth_l1_map::erisc_info_bytes,
              "l1_unreserved_base_bytes",
              "must leave room for tensim's firmware area and erisc_info below it");
    e.require(l1_unreserved_base_bytes < l1_unreserved_end_bytes &&
                  l1_unreserved_end_bytes <= l1_size_bytes(),
              "l1_unreserved_end_bytes", "must lie above the base and inside L1");
    e.require(fabric_default_payload_bytes <= fabric_max_payload_bytes,
              "fabric_default_payload_bytes", "must not exceed fabric_max_payload_bytes");
}

}  // namespace tensim
