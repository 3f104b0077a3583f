// Models the chip's GDDR6 channels: functional byte storage plus, per channel, a first-come
// server with sustained bandwidth and a fixed latency; an access may be slowed further by the
// NoC port that feeds it (an exhausted router buffer, noc/port_buffer.hpp). Abstracts away banks,
// rows, refresh, read/write turnaround and the DRAM tile's NIUs. Numbers: wormhole_params.md s8.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/stats.hpp"

namespace tensim {

class Params;

// Defaults are Wormhole's, equal to sim/arch/wormhole_b0.json (test_arch checks); load() declares
// each key with its unit and doc.
struct DramConfig {
    int channels = 12;                         // GDDR6 channels; ISA DRAMTile/README.md
    int channels_per_tile = 2;                 // channels behind one DRAM tile's NIUs; ISA DRAMTile
    uint64_t channel_size_bytes = 1ull << 30;  // B; ISA DRAMTile/README.md
    double channel_bytes_per_cycle = 22.2;     // B/cycle sustained (24 GB/s peak x ~92 %, ISA
                                               // DRAMTile/README.md) at the 1 GHz AI clock
    Cycle read_latency_cycles = 80;            // cycles; calibrated (noc_latencies.yaml)
    Cycle write_latency_cycles = 100;          // cycles; calibrated (noc_latencies.yaml)
    uint32_t unreserved_base_bytes = 32;       // B kept free at address 0 of every bank; inferred

    // Reads the "dram" section of an architecture file.
    void load(Params& p);
    bool operator==(const DramConfig&) const = default;
};

// Parameters: DramConfig. Stats (group "<dram path>.ch<i>"): bytes_read, bytes_written, accesses,
// busy_cycles (at the channel's own rate), feed_starved_cycles (extra time writes took because
// their router buffer fed them slower), utilization; folded into dram_bytes, dram_util and, for
// the feed, noc_util (a starved channel waits on the NoC, not on DRAM).
class DramChannel {
public:
    DramChannel(const DramConfig& cfg, int index, const std::string& dram_path = "dram");

    int index() const { return m_index; }

    // Functional storage, allocated in 1 MiB chunks on first write; untouched bytes read as zero.
    // Throws InternalError if [addr, addr + n) leaves the channel.
    void read(uint64_t addr, void* dst, size_t n) const;
    void write(uint64_t addr, const void* src, size_t n);
    // True when no chunk under [addr, addr + n) exists (the range reads as zeros).
    bool untouched(uint64_t addr, size_t n) const;
    // Stores zeros: clears the chunks that exist, allocates none.
    void zero(uint64_t addr, size_t n);

    // Serves `bytes` arriving at t_arrive after all earlier arrivals, at the channel's bandwidth or
    // at `feed_bytes_per_cycle` when that is lower (0: no limit); returns the cycle the data is
    // ready (read) or committed (write).
    Cycle access(uint32_t bytes, Cycle t_arrive, bool is_write, double feed_bytes_per_cycle = 0);
    // The cycle the last access has been taken in (its latency not included).
    Cycle busy_until() const { return (m_busy_until_sub + kSubCycles - 1) / kSubCycles; }

    // 1 MiB storage chunks holding data (a chunk is made by the first non-zero write into it).
    size_t allocated_chunks() const;

    stats::Group& stats() { return m_stats; }
    void reset_stats() { m_stats.reset(); }
    void clear_reservations() { m_busy_until_sub = 0; }

private:
    static constexpr uint64_t kChunkBytes = 1ull << 20;
    // Service time is kept in 1/65536 cycle so small accesses do not each round up a whole
    // cycle (a 32 B access would otherwise see 16 B/cycle instead of 22.2).
    static constexpr uint64_t kSubCycles = 1ull << 16;

    void check_range(uint64_t addr, size_t n) const;

    DramConfig m_cfg;
    int m_index;
    // Contents, allocated 1 MiB at a time on the first non-zero write (calloc: the pages stay
    // unmapped until touched); a missing chunk reads as zeros.
    struct FreeChunk {
        void operator()(uint8_t* p) const;
    };
    std::vector<std::unique_ptr<uint8_t[], FreeChunk>> m_chunks;
    uint64_t m_busy_until_sub = 0;

    uint64_t m_bytes_read = 0;
    uint64_t m_bytes_written = 0;
    uint64_t m_accesses = 0;
    uint64_t m_busy_sub = 0;     // the channel's own transfer time
    uint64_t m_starved_sub = 0;  // extra time a slow feed (an exhausted router buffer) added
    stats::Group m_stats;
};

class Dram {
public:
    // `path` names the stats group ("chip0.dram"); each channel's is "<path>.ch<i>".
    explicit Dram(const DramConfig& cfg, const std::string& path = "dram");

    DramChannel& channel(int i);  // throws InternalError for a bad index
    int num_channels() const { return static_cast<int>(m_channels.size()); }

    // 1 MiB storage chunks holding data (a chunk is made by the first non-zero write into it).
    size_t allocated_chunks() const;

    stats::Group& stats() { return m_stats; }
    void reset_stats() { m_stats.reset(); }

private:
    stats::Group m_stats;
    std::vector<std::unique_ptr<DramChannel>> m_channels;  // channels' stats hold their addresses
};

}  // namespace tensim
