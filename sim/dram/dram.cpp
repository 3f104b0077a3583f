#include "dram/dram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "common/error.hpp"
#include "common/params.hpp"

namespace tensim {

void DramConfig::load(Params& d) {
    uint64_t channel_mib = channel_size_bytes >> 20;
    d.constant("channels", "channels", channels, "GDDR6 channels populated");
    d.constant("channels_per_tile", "channels", channels_per_tile,
               "channels every NIU of one DRAM tile reaches");
    d.constant("channel_size_mib", "MiB", channel_mib, "capacity of one channel (one bank)");
    d.constant("channel_bytes_per_cycle", "B/cycle", channel_bytes_per_cycle,
               "sustained bandwidth of a channel");
    d.constant("read_latency_cycles", "cycles", read_latency_cycles,
               "added to a read's service time");
    d.constant("write_latency_cycles", "cycles", write_latency_cycles,
               "added to a write's service time");
    d.constant("unreserved_base_bytes", "B", unreserved_base_bytes,
               "bank addresses below this are never allocated");
    channel_size_bytes = channel_mib << 20;
    d.require(channel_bytes_per_cycle > 0, "channel_bytes_per_cycle", "must be positive");
    d.require(channels_per_tile >= 1, "channels_per_tile", "must be at least 1");
    d.require(channel_mib >= 1 && channel_mib * static_cast<uint64_t>(channels_per_tile) <= 4096,
              "channel_size_mib",
              "must be at least 1, and a tile's channels at most 4 GiB (bank offsets are 32-bit)");
}

DramChannel::DramChannel(const DramConfig& cfg, int index, const std::string& dram_path)
    : m_cfg(cfg), m_index(index), m_stats(dram_path + ".ch" + std::to_string(index)) {
    if (!(cfg.channel_bytes_per_cycle > 0))
        throw ConfigError("dram: channel_bytes_per_cycle must be positive");
    m_chunks.resize((cfg.channel_size_bytes + kChunkBytes - 1) / kChunkBytes);

    constexpr double sub = kSubCycles;
    m_stats.counter("bytes_read", m_bytes_read, "B", "bytes read from the channel")
        .folds_into(stats::figure::dram_bytes, stats::Fold::sum)
        .counter("bytes_written", m_bytes_written, "B", "bytes written to the channel")
        .folds_into(stats::figure::dram_bytes, stats::Fold::sum)
        .counter("accesses", m_accesses, "accesses", "reads and writes served")
        .counter("busy_sub", m_busy_sub, "1/65536 cycles", "busy_cycles as kept")
        .hidden()
        .counter("starved_sub", m_starved_sub, "1/65536 cycles", "feed_starved_cycles as kept")
        .hidden()
        .formula(
            "busy_cycles",
            [this](const stats::Window&) { return static_cast<double>(m_busy_sub) / sub; },
            "cycles", "transfer time at the channel's own bandwidth")
        .formula(
            "feed_starved_cycles",
            [this](const stats::Window&) { return static_cast<double>(m_starved_sub) / sub; },
            "cycles", "extra time a slow feed (an exhausted router buffer) added")
        .formula(
            "utilization",
            [this](const stats::Window& w) {
                return static_cast<double>(m_busy_sub) / sub / w.elapsed_cycles;
            },
            "1", "busy_cycles / elapsed cycles")
        .folds_into(stats::figure::dram_util, stats::Fold::max)
        .formula(
            "feed_starved_utilization",
            [this](const stats::Window& w) {
                return static_cast<double>(m_starved_sub) / sub / w.elapsed_cycles;
            },
            "1", "feed_starved_cycles / elapsed cycles: time the channel waited on the NoC")
        .hidden()
        .folds_into(stats::figure::noc_util, stats::Fold::max);
}

void DramChannel::check_range(uint64_t addr, size_t n) const {
    if (n > m_cfg.channel_size_bytes || addr > m_cfg.channel_size_bytes - n)
        throw InternalError("dram channel " + std::to_string(m_index) + ": access of " +
                            std::to_string(n) + " B at " + std::to_string(addr) +
                            " exceeds the channel size " +
                            std::to_string(m_cfg.channel_size_bytes) + " B");
}

void DramChannel::read(uint64_t addr, void* dst, size_t n) const {
    check_range(addr, n);
    auto* out = static_cast<uint8_t*>(dst);
    while (n > 0) {
        const uint64_t off = addr % kChunkBytes;
        const size_t len = static_cast<size_t>(std::min<uint64_t>(n, kChunkBytes - off));
        const auto& chunk = m_chunks[addr / kChunkBytes];
        if (chunk)
            std::memcpy(out, chunk.get() + off, len);
        else
            std::memset(out, 0, len);
        addr += len;
        out += len;
        n -= len;
    }
}

bool DramChannel::untouched(uint64_t addr, size_t n) const {
    check_range(addr, n);
    for (uint64_t c = addr / kChunkBytes; n && c <= (addr + n - 1) / kChunkBytes; ++c)
        if (m_chunks[c]) return false;
    return true;
}

void DramChannel::zero(uint64_t addr, size_t n) {
    check_range(addr, n);
    while (n > 0) {
        const uint64_t off = addr % kChunkBytes;
        const size_t len = static_cast<size_t>(std::min<uint64_t>(n, kChunkBytes - off));
        if (auto& chunk = m_chunks[addr / kChunkBytes]) std::memset(chunk.get() + off, 0, len);
        addr += len;
        n -= len;
    }
}

size_t DramChannel::allocated_chunks() const {
    size_t n = 0;
    for (const auto& c : m_chunks) n += c != nullptr;
    return n;
}

void DramChannel::FreeChunk::operator()(uint8_t* p) const { std::free(p); }

namespace {
bool all_zero(const uint8_t* p, size_t n) {
    uint8_t any = 0;
    for (size_t i = 0; i < n; ++i) any |= p[i];
    return any == 0;
}
}  // namespace

void DramChannel::write(uint64_t addr, const void* src, size_t n) {
    check_range(addr, n);
    const auto* in = static_cast<const uint8_t*>(src);
    while (n > 0) {
        const uint64_t off = addr % kChunkBytes;
        const size_t len = static_cast<size_t>(std::min<uint64_t>(n, kChunkBytes - off));
        auto& chunk = m_chunks[addr / kChunkBytes];
        // Zeros written where nothing was written before change nothing (timing numerics write
        // whole output tensors of zeros): no allocation, no page faults.
        if (!chunk && !all_zero(in, len)) {
            chunk.reset(static_cast<uint8_t*>(std::calloc(kChunkBytes, 1)));
            if (!chunk) throw std::bad_alloc();
        }
        if (chunk) std::memcpy(chunk.get() + off, in, len);
        addr += len;
        in += len;
        n -= len;
    }
}

Cycle DramChannel::access(uint32_t bytes, Cycle t_arrive, bool is_write,
                          double feed_bytes_per_cycle) {
    double rate = m_cfg.channel_bytes_per_cycle;
    if (feed_bytes_per_cycle > 0) rate = std::min(rate, feed_bytes_per_cycle);
    const uint64_t ser_sub =
        static_cast<uint64_t>(std::ceil(static_cast<double>(bytes) * kSubCycles / rate));
    // Busy is the channel's own work; the rest of the time the data took was the feed's fault.
    const uint64_t own_sub = static_cast<uint64_t>(
        std::ceil(static_cast<double>(bytes) * kSubCycles / m_cfg.channel_bytes_per_cycle));
    const uint64_t start = std::max(t_arrive * kSubCycles, m_busy_until_sub);
    m_busy_until_sub = start + ser_sub;
    m_busy_sub += own_sub;
    m_starved_sub += ser_sub - std::min(ser_sub, own_sub);
    m_accesses += 1;
    (is_write ? m_bytes_written : m_bytes_read) += bytes;
    const Cycle end = (m_busy_until_sub + kSubCycles - 1) / kSubCycles;
    return end + (is_write ? m_cfg.write_latency_cycles : m_cfg.read_latency_cycles);
}

Dram::Dram(const DramConfig& cfg, const std::string& path) : m_stats(path) {
    if (cfg.channels <= 0) throw ConfigError("dram: channels must be positive");
    m_channels.reserve(static_cast<size_t>(cfg.channels));
    for (int i = 0; i < cfg.channels; ++i) {
        m_channels.push_back(std::make_unique<DramChannel>(cfg, i, path));
        m_stats.add(m_channels.back()->stats());
    }
}

DramChannel& Dram::channel(int i) {
    if (i < 0 || i >= num_channels()) throw InternalError("dram: no channel " + std::to_string(i));
    return *m_channels[static_cast<size_t>(i)];
}

}  // namespace tensim
