#include "eth/eth_link.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "common/scheduler.hpp"
#include "common/trace.hpp"
#include "noc/endpoint.hpp"

namespace tensim {

EthLink::EthLink(const EthConfig& cfg, const ClockDomain& clock, Endpoint& dst, int chip,
                 int channel, std::string path)
    : m_cfg(cfg),
      m_clock(clock),
      m_dst(dst),
      m_chip(chip),
      m_channel(channel),
      m_slot_free(cfg.rx_buffer_packets, 0),
      m_stats(std::move(path)) {
    m_stats.counter("bytes", m_bytes, "B", "payload bytes sent")
        .counter("packets", m_packets, "packets", "wire packets sent (after the split)")
        .counter("busy_cycles", m_busy, "cycles", "cycles the line carried a packet")
        .counter("credit_stall_cycles", m_credit_stall, "cycles",
                 "cycles a ready packet waited for a free RX buffer slot at the receiver")
        .formula(
            "utilization",
            [this](const stats::Window& w) { return double(m_busy) / w.elapsed_cycles; },
            "fraction", "busy cycles over the window")
        .shown_if(m_packets);
}

EthLink::~EthLink() { Scheduler::instance().cancel(this); }

EthLink::SendTiming EthLink::send(Cycle t, std::vector<uint8_t> data, uint64_t dst_offset) {
    auto bytes = std::make_shared<std::vector<uint8_t>>(std::move(data));
    const uint32_t total = static_cast<uint32_t>(bytes->size());
    SendTiming st{0, 0, 0, t};
    uint32_t done = 0;
    do {
        const uint32_t n = std::min(total - done, m_cfg.max_packet_bytes);
        // The TX path buffers the whole packet first (store-and-forward), in order, into a TX
        // buffer of two full packets: a packet fills once the packets ahead of it that are still
        // waiting for or on the wire leave it room.
        Cycle fill_start = std::max(t, m_fill_free);
        const uint32_t cap = 2 * m_cfg.max_packet_bytes;
        while (!m_tx_buf.empty() &&
               (m_tx_buf.front().first <= fill_start || m_tx_buf_bytes + n > cap)) {
            fill_start = std::max(fill_start, m_tx_buf.front().first);
            m_tx_buf_bytes -= m_tx_buf.front().second;
            m_tx_buf.pop_front();
        }
        m_fill_free = fill_start + m_cfg.fill_cycles(n);
        // The packet leaves when it is buffered, the line is free and the receiver has a buffer
        // slot (a credit).
        const Cycle line = std::max(m_fill_free, m_wire_free);
        const Cycle credit = m_slot_free[m_next_slot];
        const Cycle start = std::max(line, credit);
        if (credit > line) m_credit_stall += credit - line;
        const Cycle wire = m_cfg.wire_cycles(n);
        m_wire_free = start + wire;
        m_tx_buf.emplace_back(m_wire_free, n);
        m_tx_buf_bytes += n;
        const Cycle arrive = m_wire_free + m_cfg.link_latency_cycles;
        const Cycle rx_start = std::max(arrive, m_rx_free);
        const Cycle drained =
            rx_start + static_cast<Cycle>(std::ceil(double(n) / m_cfg.rx_l1_write_bytes_per_cycle));
        m_rx_free = drained;
        m_slot_free[m_next_slot] = drained;
        m_next_slot = (m_next_slot + 1) % m_slot_free.size();
        if (done == 0) {
            st.first_start = start;
            st.latched = fill_start;
        }
        st.last_start = start;
        st.delivered = drained;
        ++m_packets;
        m_bytes += n;
        m_busy += wire;
        if (m_remote)
            m_remote(drained, dst_offset + done,
                     std::vector<uint8_t>(bytes->begin() + done, bytes->begin() + done + n));
        else
            Scheduler::instance().schedule(
                m_clock, drained, this, [this, bytes, done, n, dst_offset] {
                    if (n) m_dst.write_bytes(dst_offset + done, bytes->data() + done, n);
                    m_dst.changed();
                });
        done += n;
    } while (done < total);
    if (trace::Sink* sink = trace::sink()) {
        const trace::Track track{m_chip, m_channel, 0, trace::Lane::eth_link};
        if (sink->wants(track))
            sink->zone(track, "eth send", st.first_start, m_wire_free,
                       fmt::format("{} B to L1 0x{:x}", total, dst_offset));
    }
    return st;
}

void EthLink::cancel_in_flight() {
    Scheduler::instance().cancel(this);
    m_wire_free = m_rx_free = m_fill_free = 0;
    m_tx_buf.clear();
    m_tx_buf_bytes = 0;
    std::fill(m_slot_free.begin(), m_slot_free.end(), 0);
}

}  // namespace tensim
