// One Tensix core: L1 as real bytes, five RISC-V firmware threads, CB counters and semaphores in
// L1. Abstracted here: L1 bank conflicts (one NoC read port modelled as a busy-until server).
// Numbers: sim/arch/*.json "tensix" (ISA TensixTile/L1.md, TT-Metal dev_mem_map.h).
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <systemc>

#include "common/clock.hpp"
#include "noc/noc.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/noc_port.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_endpoint.hpp"

namespace tensim {

class Params;
class EthTile;

// Defaults are Wormhole's, equal to sim/arch/wormhole_b0.json (test_arch checks); load() in
// tensix_config.cpp declares each key with its unit and doc.
struct TensixConfig {
    uint32_t l1_size_kib = 1464;                // KiB; ISA TensixTile/L1.md
    uint32_t l1_unreserved_base_bytes = 97248;  // B; TT-Metal dev_mem_map.h (first free address)
    Cycle l1_access_latency_cycles = 20;        // cycles NIU<->L1 at a target; calibrated
    double noc_l1_read_bytes_per_cycle = 28.1;  // B/cycle L1 read into the NoC; tt-npe, calibrated
    uint32_t max_kernels_per_core = 3;          // TT-Metal MaxNumKernels
    uint32_t num_semaphores = 16;               // TT-Metal NUM_SEMAPHORES
    uint32_t riscs = 5;                         // RISC-V cores per Tensix; ISA BabyRISCV/README.md
    uint32_t l1_size_bytes() const { return l1_size_kib * 1024; }
    void load(Params& p);
    bool operator==(const TensixConfig&) const = default;
};

// Where every core's L1 lives in host memory: one window per core, all below 4 GiB, so that a
// 32-bit L1 address a kernel gets from the API (get_write_ptr, get_semaphore) is also a valid
// host pointer. Address v maps to L1 offset (v - base) % stride for v >= base; plain offsets
// (v < l1 size, as the host hands out) are accepted as they are.
struct L1Window {
    uint32_t base = 0;    // host address of the first core's window
    uint32_t stride = 0;  // B between windows
    uint32_t count = 0;   // windows (cores) in the region
};

class TensixCore {
public:
    TensixCore(const TensixConfig& cfg, const RiscConfig& risc_cfg,
               const ComputeEngineConfig& compute_cfg, const ClockDomain& clock, int chip_id,
               NocXY xy, int logical_x, int logical_y, uint8_t* l1, L1Window window);

    const TensixConfig& config() const { return m_cfg; }
    const ClockDomain& clock() const { return m_clock; }
    int chip_id() const { return m_chip_id; }
    NocXY xy() const { return m_xy; }
    int logical_x() const { return m_logical_x; }
    int logical_y() const { return m_logical_y; }
    std::string name() const;  // "chip0 core (lx,ly) [x-y]"

    // The core of an Ethernet tile (sim/eth): its one RISC is the ERISC, its logical coordinates
    // are TT-Metal's (0, channel), and its tracks go to the chip's Ethernet timeline.
    void set_eth(EthTile* tile, int channel) { m_eth = tile, m_eth_channel = channel; }
    EthTile* eth() const { return m_eth; }
    bool is_eth() const { return m_eth != nullptr; }
    int eth_channel() const { return m_eth_channel; }

    // ---- L1 ----
    uint8_t* l1() { return m_l1; }
    uint32_t l1_size() const { return m_cfg.l1_size_bytes(); }
    // The address a kernel on this core uses for L1 offset `off`.
    uint32_t l1_address(uint32_t off) const { return m_window_addr + off; }
    // L1 offset of a kernel/host address (windowed or plain); nullopt when outside L1.
    std::optional<uint32_t> l1_offset(uint64_t addr, uint32_t size) const;
    uint32_t& word(uint32_t off) { return *reinterpret_cast<uint32_t*>(m_l1 + off); }
    void clear_firmware_state();  // zeroes CB counters, semaphores, args, the zero region

    // Reserves the L1 read port feeding the NoC: returns when `bytes` have been read out.
    Cycle l1_noc_read(Cycle t, uint32_t bytes);
    void clear_reservations() { m_l1_read_free = 0; }

    // This core on the NoC: its L1 as an endpoint, each RISC as an initiator.
    Endpoint& l1_endpoint() { return m_l1_endpoint; }
    NocInitiator& initiator(Risc r) { return *m_initiators[static_cast<int>(r)]; }

    // The chip's NoCs as this core's NIU sees them.
    void set_noc_port(NocPort* port);
    // This core's coordinates in each NoC's own system (TT-Metal's my_x[noc], my_y[noc]).
    uint8_t* my_x() { return m_my_x; }
    uint8_t* my_y() { return m_my_y; }
    NocPort& noc_port() { return *m_port; }

    // The unpack/math/pack coprocessor the TRISCs drive.
    ComputeEngine& compute() { return m_compute; }

    // ---- threads and wake-ups ----
    RiscThread& thread(Risc r) { return *m_threads[static_cast<int>(r)]; }
    // A change a waiting thread may care about, made before the call: wakes the threads of this
    // core whose wait condition now holds, in RISC order. notify_changed: any change (a NoC
    // delivery or completion, the host); the others skip the waits that change cannot end
    // (WaitsOn): notify_l1_changed for a kernel call's store to L1 (CB counters, semaphores),
    // notify_engine_changed for the compute engine's Src/Dst handshakes.
    void notify_changed() { notify(m_waiting); }
    void notify_l1_changed() { notify(m_waiting & m_waits_on_anything); }
    void notify_engine_changed() { notify(m_waiting & ~m_waits_on_counters); }
    // notify_changed after thread `r` was aborted: it is woken whatever its condition.
    void notify_aborted(Risc r) { notify(m_waiting, 1u << static_cast<int>(r)); }
    // Thread `r` blocks in wait_until on `c` (a copy is kept) until end_wait: the notifications
    // check it, and those only.
    void begin_wait(Risc r, const WaitCondition& c, WaitsOn on) {
        const int i = static_cast<int>(r);
        const auto bit = static_cast<uint8_t>(1u << i);
        m_conditions[i] = c;
        m_waiting |= bit;
        m_waits_on_anything =
            on == WaitsOn::anything ? (m_waits_on_anything | bit) : (m_waits_on_anything & ~bit);
        m_waits_on_counters = on == WaitsOn::noc_counters ? (m_waits_on_counters | bit)
                                                          : (m_waits_on_counters & ~bit);
    }
    void end_wait(Risc r) { m_waiting &= static_cast<uint8_t>(~(1u << static_cast<int>(r))); }
    // Counts notifications: a kernel polling L1 in a loop waits for the next change.
    uint64_t changes() const { return m_changes; }

private:
    TensixConfig m_cfg;
    ClockDomain m_clock;
    int m_chip_id;
    NocXY m_xy;
    int m_logical_x, m_logical_y;
    uint8_t* m_l1;
    L1Window m_window;
    uint32_t m_window_addr;
    Cycle m_l1_read_free = 0;
    NocPort* m_port = nullptr;
    uint8_t m_my_x[2] = {0, 0}, m_my_y[2] = {0, 0};
    // The waits of the threads, before them (a thread's last frames, unwound when it is destroyed,
    // end their wait here). Bit r of a mask: thread r.
    std::array<WaitCondition, 5> m_conditions{};
    uint8_t m_waiting = 0;            // blocked in wait_until
    uint8_t m_waits_on_anything = 0;  // of those, on WaitsOn::anything
    uint8_t m_waits_on_counters = 0;  // of those, on WaitsOn::noc_counters
    uint64_t m_changes = 0;
    void notify(unsigned threads, unsigned ready = 0);  // wakes those of `threads` whose wait ends
    std::array<std::unique_ptr<RiscThread>, 5> m_threads;
    ComputeEngine m_compute;
    L1Endpoint m_l1_endpoint{*this};
    std::array<std::unique_ptr<RiscInitiator>, 5> m_initiators;
    EthTile* m_eth = nullptr;
    int m_eth_channel = -1;
};

}  // namespace tensim
