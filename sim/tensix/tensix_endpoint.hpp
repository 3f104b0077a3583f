// A Tensix core as the NoC sees it: its L1 behind the tile's NIU (an Endpoint: reads stream out
// of the L1 read port after the NIU-to-L1 latency, writes commit after that latency), and each
// RISC as a NocInitiator (its outstanding-transaction counters, its place in same-cycle
// arbitration). Numbers: TensixConfig (l1_access_latency_cycles, noc_l1_read_bytes_per_cycle)
// and RiscConfig (noc_cmd_issue_cycles).
#pragma once
#include "noc/endpoint.hpp"

namespace tensim {

class TensixCore;
class RiscThread;

class L1Endpoint : public Endpoint {
public:
    explicit L1Endpoint(TensixCore& core) : m_core(core) {}
    std::optional<uint64_t> resolve(uint64_t local, uint32_t size) const override;
    ReadTiming serve_read(uint64_t offset, uint32_t bytes, Cycle t) override;
    Cycle write_commit_delay() const override;
    Cycle commit_write(uint64_t offset, uint32_t bytes, Cycle t, RouterPort port) override;
    void read_bytes(uint64_t offset, void* dst, size_t n) const override;
    void write_bytes(uint64_t offset, const void* src, size_t n) override;
    bool reads_zero(uint64_t offset, size_t n) const override;
    void write_zeros(uint64_t offset, size_t n) override;
    uint32_t* word(uint64_t offset) override;
    void changed() override;
    std::string describe() const override;
    trace::Track track(uint64_t offset) const override;
    void clear_reservations() override;

private:
    TensixCore& m_core;
};

class RiscInitiator : public NocInitiator {
public:
    explicit RiscInitiator(RiscThread& t) : m_t(t) {}
    NocXY xy() const override;
    Endpoint& local() override;
    std::tuple<int, int, int> order() const override;
    Cycle issue_cycles() const override;
    void count(int noc, Counter c, int delta) override;
    uint32_t trid(int noc, Counter c) const override;
    void count_trid(int noc, Counter c, uint32_t trid, int delta) override;
    std::string where() const override;
    std::string where_called() const override;

private:
    RiscThread& m_t;
};

}  // namespace tensim
