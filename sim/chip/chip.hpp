// One chip: the NoC grid with Tensix cores (the logical worker grid), DRAM channels behind their
// endpoints, and the NoC transactions between them (reads as request + response, writes with
// acks, multicast, atomics; DRAM writes back up in the router buffer before their endpoint).
// Abstracted: Ethernet, PCIe and ARC tiles (not yet endpoints), VC buffer limits anywhere but in
// front of DRAM endpoints. Numbers come from ChipConfig (sim/arch/*.json).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chip/chip_config.hpp"
#include "common/low_memory.hpp"
#include "dram/dram.hpp"
#include "noc/noc.hpp"
#include "tensix/noc_port.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

// Where a NoC address lands.
struct NocTarget {
    TensixCore* core = nullptr;     // Tensix L1, or
    DramChannel* channel = nullptr; // a DRAM channel
    NocXY xy;                       // the endpoint tile
    uint64_t offset = 0;            // L1 offset or channel address
};

class Chip : public NocPort {
public:
    Chip(const SystemConfig& sys, int chip_id);
    ~Chip() override;

    int id() const { return m_id; }
    const ChipConfig& config() const { return m_cfg; }
    const ClockDomain& clock() const { return m_cfg.clock; }
    int grid_x() const { return m_grid_x; }
    int grid_y() const { return m_grid_y; }
    TensixCore& worker(int logical_x, int logical_y);
    TensixCore* core_at(NocXY xy);  // nullptr when no worker there
    const std::vector<std::unique_ptr<TensixCore>>& workers() const { return m_workers; }
    Noc& noc(int i) { return *m_nocs[i]; }
    Dram& dram() { return *m_dram; }
    const std::vector<DramBank>& dram_banks() const { return m_banks; }

    // ---- NoC transactions, issued by `t` at cycle t0 (its first packet leaves one issue cost
    // later). `noc` selects the NoC; addresses are in that NoC's coordinates, as kernels build them.
    // Each returns the number of packets issued. Errors are KernelErrors naming `t`.
    uint32_t read(RiscThread& t, int noc, uint64_t src_addr, uint32_t dst_l1, uint32_t size, Cycle t0) override;
    uint32_t write(RiscThread& t, int noc, uint32_t src_l1, uint64_t dst_addr, uint32_t size, NocVc vc,
                   Cycle t0) override;
    uint32_t multicast(RiscThread& t, int noc, uint32_t src_l1, uint64_t mcast_addr, uint32_t size,
                       uint32_t num_dests, bool loopback_src, Cycle t0) override;
    void atomic_inc(RiscThread& t, int noc, uint64_t addr, uint32_t incr, Cycle t0) override;
    void inline_write(RiscThread& t, int noc, uint64_t addr, uint32_t value, Cycle t0) override;
    uint32_t num_banks(bool dram) const override;
    uint32_t bank_page_alignment(bool dram) const override {
        return dram ? m_cfg.dram_alignment_bytes : m_cfg.l1_alignment_bytes;
    }
    uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, int noc) const override;
    uint32_t noc_x(int noc, uint32_t x0, uint32_t y0) const override { return to_noc0(noc, {int(x0), int(y0)}).x; }
    uint32_t noc_y(int noc, uint32_t x0, uint32_t y0) const override { return to_noc0(noc, {int(x0), int(y0)}).y; }

    // Resolves a unicast NoC address of `size` bytes; throws KernelError (prefixed by `who`).
    NocTarget decode(int noc, uint64_t addr, uint32_t size, const std::string& who);
    NocXY to_noc0(int noc, NocXY xy) const;
    NocXY from_noc0(int noc, NocXY xy) const { return to_noc0(noc, xy); }  // the map is an involution

    // Drops the NoC traffic still in flight (after a program was aborted).
    void cancel_in_flight();

    // ---- threads ----
    void shutdown_threads();
    bool threads_finished() const;

    void dump_stats(nlohmann::json& out) const;
    void reset_stats();

private:
    void deliver(Cycle at, std::function<void()> fn);
    // Defers the timing of a request issued now to a same-cycle arbitration step (run_pending).
    void arbitrate(RiscThread& t, std::function<void()> reserve);
    void run_pending();
    Cycle serialisation(uint32_t payload_bytes, double bytes_per_cycle) const;
    uint32_t packets_for(uint32_t size) const;
    // Calls fn(bytes, offset, inject_cycle) for each packet of a `size`-byte transfer issued at t0.
    template <typename Fn>
    void for_each_packet(RiscThread& t, uint32_t size, Cycle t0, Fn&& fn) const;
    // One write packet on `vc` arriving at `arrive`: committed at the target, then acked; `acked`
    // gets the cycle the ack reaches the writer. At DRAM the packet waits in the router buffer in
    // front of the endpoint until the channel takes it, and an exhausted buffer slows the channel.
    void send_write(RiscThread& t, int noc, NocVc vc, NocTarget dst, Cycle arrive,
                    std::shared_ptr<std::vector<uint8_t>> data, uint32_t off, uint32_t bytes,
                    std::function<void(Cycle)> acked);
    // Reports one packet to the trace sink, if any: `from`/`to` are cores (their NoC lane) or DRAM channels.
    void trace_transfer(const NocTarget& from, Cycle sent, const NocTarget& to, Cycle arrived, int noc,
                        uint32_t bytes) const;
    // Schedules the decrements of the write counters (0 = none) at those cycles.
    void count_write_done(RiscThread& t, int noc, Cycle sent, Cycle acked);
    Cycle in_order(RiscThread& t, int noc, NocXY dst, Cycle arrival);
    // One single-flit packet to a Tensix L1 word, applied by `apply` and acked back; counted in `counter`.
    void word_op(RiscThread& t, int noc, uint64_t addr, const char* what, uint32_t& counter,
                 std::function<void(uint32_t&)> apply, Cycle t0);
    uint32_t l1_offset_or_throw(RiscThread& t, uint32_t addr, uint32_t size, const char* what);

    int m_id;
    ChipConfig m_cfg;
    int m_grid_x, m_grid_y;
    std::unique_ptr<LowMemory> m_l1_memory;
    std::vector<std::unique_ptr<TensixCore>> m_workers;  // logical row-major
    std::map<NocXY, TensixCore*> m_by_xy;
    std::unique_ptr<Noc> m_nocs[2];
    std::unique_ptr<Dram> m_dram;
    std::vector<DramBank> m_banks;
    std::map<NocXY, int> m_dram_group_of;
    // Writes from one NIU to one destination on one NoC arrive in order (same VC): last arrival.
    std::map<std::tuple<const TensixCore*, int, NocXY>, Cycle> m_last_arrival;
    uint64_t m_noc_bytes_read = 0, m_noc_bytes_written = 0;
    struct PendingIssue {
        int core_y, core_x, risc;
        uint64_t seq;
        std::function<void()> reserve;
    };
    std::vector<PendingIssue> m_pending;
    uint64_t m_pending_seq = 0;
};

}  // namespace tensim
