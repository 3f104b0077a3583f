#include "dram/dram_tile.hpp"

#include <fmt/format.h>

namespace tensim {

DramTile::DramTile(Dram& dram, const DramConfig& cfg, int group, int chip_id)
    : m_dram(dram), m_cfg(cfg), m_group(group), m_chip_id(chip_id) {}

DramChannel& DramTile::channel_of(uint64_t offset) const {
    return m_dram.channel(m_group * m_cfg.channels_per_tile +
                          static_cast<int>(offset / m_cfg.channel_size_bytes));
}

std::optional<uint64_t> DramTile::resolve(uint64_t local, uint32_t size) const {
    const uint64_t ch_size = m_cfg.channel_size_bytes;
    const uint64_t index = local / ch_size;
    // A range may not run from one channel into the next, nor into a channel not populated.
    if (index >= static_cast<uint64_t>(m_cfg.channels_per_tile) || local % ch_size + size > ch_size)
        return std::nullopt;
    if (m_group * m_cfg.channels_per_tile + static_cast<int>(index) >= m_dram.num_channels())
        return std::nullopt;
    return local;
}

Endpoint::ReadTiming DramTile::serve_read(uint64_t offset, uint32_t bytes, Cycle t) {
    return {t + m_cfg.read_latency_cycles, channel_of(offset).access(bytes, t, false)};
}

Cycle DramTile::commit_write(uint64_t offset, uint32_t bytes, Cycle t, RouterPort port) {
    // The channel is slower than the link, so write data waits in the router buffer in front of
    // this NIU; with dynamic VCs several writers can exhaust its shared pool.
    DramChannel& ch = channel_of(offset);
    const double feed = port.buffer.forward_rate(port.vc, bytes, t);
    const Cycle done = ch.access(bytes, t, true, feed);
    port.buffer.hold(port.vc, bytes, ch.busy_until());
    return done;
}

void DramTile::read_bytes(uint64_t offset, void* dst, size_t n) const {
    channel_of(offset).read(channel_address(offset), dst, n);
}

void DramTile::write_bytes(uint64_t offset, const void* src, size_t n) {
    channel_of(offset).write(channel_address(offset), src, n);
}

bool DramTile::reads_zero(uint64_t offset, size_t n) const {
    return channel_of(offset).untouched(channel_address(offset), n);
}

void DramTile::write_zeros(uint64_t offset, size_t n) {
    channel_of(offset).zero(channel_address(offset), n);
}

std::string DramTile::describe() const {
    return fmt::format("DRAM group {} ({} channels of {} MiB)", m_group, m_cfg.channels_per_tile,
                       m_cfg.channel_size_bytes >> 20);
}

trace::Track DramTile::track(uint64_t offset) const {
    return {m_chip_id, channel_of(offset).index(), 0, trace::Lane::dram};
}

void DramTile::clear_reservations() {
    for (int i = 0; i < m_cfg.channels_per_tile; ++i) {
        const int ch = m_group * m_cfg.channels_per_tile + i;
        if (ch < m_dram.num_channels()) m_dram.channel(ch).clear_reservations();
    }
}

}  // namespace tensim
