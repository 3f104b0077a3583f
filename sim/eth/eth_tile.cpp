#include "eth/eth_tile.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/scheduler.hpp"

namespace tensim {

namespace {
// The ERISC's core: ERISC L1 and one RISC; the NoC-facing timing is a Tensix core's (the ISA
// gives both tiles the same NoC<->L1 ports).
TensixConfig erisc_core_config(const EthConfig& e, TensixConfig t) {
    t.l1_size_kib = e.l1_size_kib;
    t.l1_unreserved_base_bytes = e.l1_unreserved_base_bytes;
    t.max_kernels_per_core = 1;
    t.riscs = 1;
    return t;
}
}  // namespace

EthTile::EthTile(const EthConfig& cfg, const TensixConfig& tensix, const RiscConfig& risc,
                 const ComputeEngineConfig& compute, const ClockDomain& clock, int chip_id,
                 int channel, NocXY xy, uint8_t* l1, L1Window window)
    : m_cfg(cfg),
      m_channel(channel),
      m_core(std::make_unique<TensixCore>(erisc_core_config(cfg, tensix), risc, compute, clock,
                                          chip_id, xy, 0, channel, l1, window)) {
    m_core->set_eth(this, channel);
}

void EthTile::connect(EthTile& peer, const EthConfig& link, bool dispatch) {
    if (m_peer)
        throw ConfigError(fmt::format("chip{} E{} is connected twice", chip_id(), m_channel));
    m_peer = &peer;
    m_dispatch = dispatch;
    m_tx =
        std::make_unique<EthLink>(link, m_core->clock(), peer.core().l1_endpoint(), chip_id(),
                                  m_channel, fmt::format("chip{}.eth{}.tx", chip_id(), m_channel));
}

EthLink::SendTiming EthTile::send(uint32_t src, uint32_t dst, uint32_t bytes, Cycle t,
                                  const std::string& who) {
    if (!m_peer)
        throw KernelError(fmt::format("{}: Ethernet send on chip{} E{}, which has no link", who,
                                      chip_id(), m_channel));
    auto s = m_core->l1_offset(src, bytes);
    if (!s)
        throw KernelError(fmt::format("{}: Ethernet send source [0x{:x}, +{}) is outside ERISC L1",
                                      who, src, bytes));
    // The kernel names the remote address as it would a local one (a plain offset, or a pointer
    // into its own L1 window such as &erisc_info->...): both tiles share the layout.
    auto d = m_core->l1_offset(dst, bytes);
    if (d && *d + bytes > m_peer->core().l1_size()) d.reset();
    if (!d)
        throw KernelError(fmt::format(
            "{}: Ethernet send destination [0x{:x}, +{}) is outside the remote ERISC L1", who, dst,
            bytes));
    std::vector<uint8_t> data(m_core->l1() + *s, m_core->l1() + *s + bytes);
    EthLink::SendTiming st = m_tx->send(t, std::move(data), *d);
    // ETH_TXQ_CMD reads busy until the TX path has latched the command (ISA EthernetTxRx.md),
    // here: until its first packet starts to fill, behind the packets of earlier commands.
    m_txq_free = st.latched;
    return st;
}

void EthTile::cancel_in_flight() {
    if (m_tx) m_tx->cancel_in_flight();
    Scheduler::instance().cancel(this);  // deliveries from a sender on another rank
    m_txq_free = 0;
}

}  // namespace tensim
