// One direction of an Ethernet link: the TX side of a port, the wire, and the RX side of the
// port at the other chip, delivering into that Ethernet tile's L1.
// Modelled: a store-and-forward TX path (each packet is buffered whole at tx_fill_bytes_per_cycle
// before it goes on the wire, in a TX buffer of two full packets, so a stream overlaps the fill
// of the next packet with the wire time of this one while a lone packet pays both), a busy-until
// line at the line rate, the per-packet overhead added to every wire packet of at most
// max_packet_bytes (longer sends are split, as silicon's MAC does), the one-way latency, and
// credit-based flow control: the receiving port holds rx_buffer_packets packets and a packet leaves
// only when a buffer slot is free; a slot frees when the receiver's L1 write has drained it, so a
// receiver that drains slowly backs up the sender. Both directions of a link are two of these and
// never share anything. Abstracted: FEC/retransmission (in the overhead), the credit's own flight
// back (credits return at drain). Numbers: EthConfig (eth_config.hpp).
//
// Stats (group "<chip>.eth<channel>.tx"): bytes, packets, busy_cycles, credit_stall_cycles,
// utilization. Trace: one track per direction (Lane::eth_link, x = channel), a zone per send.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/stats.hpp"
#include "eth/eth_config.hpp"

namespace tensim {

class Endpoint;

class EthLink {
public:
    // `cfg` is the link's configuration (per-link overrides applied); deliveries write into `dst`
    // (the receiving tile's L1). `chip`/`channel` name the sending port.
    EthLink(const EthConfig& cfg, const ClockDomain& clock, Endpoint& dst, int chip, int channel,
            std::string path);
    ~EthLink();
    EthLink(const EthLink&) = delete;
    EthLink& operator=(const EthLink&) = delete;

    struct SendTiming {
        Cycle latched;      // the TX path took the command (its first packet began to fill)
        Cycle first_start;  // the first wire packet started
        Cycle last_start;   // the last wire packet started (the TX queue has handed it all over)
        Cycle delivered;    // the last byte is in the receiver's L1
    };
    // Sends `data` to receiver L1 offset `dst_offset`; the first packet may start at `t`. The
    // bytes become visible (and the receiver is notified) when each packet has drained into L1.
    SendTiming send(Cycle t, std::vector<uint8_t> data, uint64_t dst_offset);

    const EthConfig& config() const { return m_cfg; }
    stats::Group& stats() { return m_stats; }
    // When the receiver is simulated by another rank (sim/system/partition.hpp), each wire
    // packet's bytes go to `remote` with the cycle they drain, instead of into `dst` here. The
    // timing above is the sender's own arithmetic either way, so nothing else changes.
    using RemoteSend = std::function<void(Cycle drained, uint64_t offset, std::vector<uint8_t>)>;
    void set_remote(RemoteSend remote) { m_remote = std::move(remote); }
    // Drops deliveries still in flight and forgets reservations (after an aborted program).
    void cancel_in_flight();

private:
    EthConfig m_cfg;
    ClockDomain m_clock;
    Endpoint& m_dst;
    RemoteSend m_remote;
    int m_chip, m_channel;
    Cycle m_fill_free = 0;  // the TX fill engine is busy until here
    // Packets in the TX buffer, in order: when each leaves the wire, and its payload bytes.
    std::deque<std::pair<Cycle, uint32_t>> m_tx_buf;
    uint32_t m_tx_buf_bytes = 0;
    Cycle m_wire_free = 0;           // the line is busy until here
    Cycle m_rx_free = 0;             // the receiver's L1 write port is busy until here
    std::vector<Cycle> m_slot_free;  // per RX buffer slot: when its packet has drained
    size_t m_next_slot = 0;
    uint64_t m_bytes = 0, m_packets = 0, m_busy = 0, m_credit_stall = 0;
    stats::Group m_stats;
};

}  // namespace tensim
