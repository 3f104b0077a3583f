// A DRAM tile as a NoC endpoint: one of the NIUs of a DRAM group, each of which reaches every
// channel of its group (local address / channel size picks the channel). Reads and writes are
// served by the channel (dram.hpp); write data waits in the router buffer in front of the NIU
// while the channel, slower than a link, takes it. Numbers: DramConfig (channels_per_tile,
// channel size, bandwidth, latencies); ISA DRAMTile/README.md.
#pragma once
#include "dram/dram.hpp"
#include "noc/endpoint.hpp"

namespace tensim {

class DramTile : public Endpoint {
public:
    // Group `group` holds channels group * channels_per_tile + [0, channels_per_tile) of `dram`.
    DramTile(Dram& dram, const DramConfig& cfg, int group, int chip_id);

    int group() const { return m_group; }
    // The channel a resolved offset lies in, and the address inside it.
    DramChannel& channel_of(uint64_t offset) const;
    uint64_t channel_address(uint64_t offset) const { return offset % m_cfg.channel_size_bytes; }

    std::optional<uint64_t> resolve(uint64_t local, uint32_t size) const override;
    ReadTiming serve_read(uint64_t offset, uint32_t bytes, Cycle t) override;
    Cycle write_commit_delay() const override { return 0; }  // the channel's latency is in access()
    Cycle commit_write(uint64_t offset, uint32_t bytes, Cycle t, RouterPort port) override;
    void read_bytes(uint64_t offset, void* dst, size_t n) const override;
    void write_bytes(uint64_t offset, const void* src, size_t n) override;
    bool reads_zero(uint64_t offset, size_t n) const override;
    void write_zeros(uint64_t offset, size_t n) override;
    std::string describe() const override;
    trace::Track track(uint64_t offset) const override;
    void clear_reservations() override;

private:
    Dram& m_dram;
    DramConfig m_cfg;
    int m_group;
    int m_chip_id;
};

}  // namespace tensim
