// An Ethernet tile: a NoC endpoint (its 256 KiB L1, reached like a Tensix core's), one ERISC
// running Ethernet kernels, and a port to a link. The ERISC is a RiscThread of sim/tensix on a
// one-RISC TensixCore, so the whole data-movement kernel API (NoC reads/writes, semaphores,
// runtime args) works from an Ethernet kernel; the ERISC API adds TX commands that copy L1 to the
// connected tile's L1 over the link (eth_link.hpp). Modelled: the TX command register, busy
// until the TX path has latched the last command (its first packet began to fill, behind the
// packets of earlier commands), and the issue cost. Abstracted:
// the second TX queue, RX queues as such, and Ethernet registers. Numbers: EthConfig.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "eth/eth_config.hpp"
#include "eth/eth_link.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

class EthTile {
public:
    // Channel `channel` (E<channel>) of chip `chip_id` at NoC0 `xy`; `l1` lies inside `window`.
    EthTile(const EthConfig& cfg, const TensixConfig& tensix, const RiscConfig& risc,
            const ComputeEngineConfig& compute, const ClockDomain& clock, int chip_id, int channel,
            NocXY xy, uint8_t* l1, L1Window window);

    int chip_id() const { return m_core->chip_id(); }
    int channel() const { return m_channel; }
    NocXY xy() const { return m_core->xy(); }
    const EthConfig& config() const { return m_cfg; }
    // L1, the ERISC thread (thread(Risc::BRISC)), the NoC endpoint and initiator.
    TensixCore& core() { return *m_core; }
    RiscThread& erisc() { return m_core->thread(Risc::BRISC); }

    // ---- the port ----
    // Connects this port's TX to `peer`'s L1 with the link configuration `link` (overrides
    // applied); `dispatch` marks a link reserved for dispatch. Called once per direction.
    void connect(EthTile& peer, const EthConfig& link, bool dispatch);
    bool connected() const { return m_peer != nullptr; }
    bool reserved_for_dispatch() const { return m_dispatch; }
    EthTile* peer() const { return m_peer; }
    EthLink* tx() { return m_tx.get(); }

    // ---- the ERISC's TX queue ----
    // Whether a new TX command must wait at cycle `t`.
    bool txq_busy(Cycle t) const { return t < m_txq_free; }
    Cycle txq_free() const { return m_txq_free; }
    // One TX command issued at `t` (the queue is free): `bytes` from local L1 offset `src` to the
    // peer's L1 offset `dst`. Throws KernelError (prefixed by `who`) when unconnected or out of
    // L1 on either side.
    EthLink::SendTiming send(uint32_t src, uint32_t dst, uint32_t bytes, Cycle t,
                             const std::string& who);

    void cancel_in_flight();

private:
    EthConfig m_cfg;
    int m_channel;
    std::unique_ptr<TensixCore> m_core;
    EthTile* m_peer = nullptr;
    bool m_dispatch = false;
    std::unique_ptr<EthLink> m_tx;
    Cycle m_txq_free = 0;
};

}  // namespace tensim
