#include "tensim/host/circular_buffer_config.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace tt::tt_metal {

using tensim::HostError;

namespace {
void check_index(uint8_t i, const char* call) {
    if (i >= NUM_CIRCULAR_BUFFERS)
        throw HostError(fmt::format("{}: CB index {} out of range (0..31)", call, i));
}
}  // namespace

CircularBufferConfig::CircularBufferConfig(uint32_t total_size) : m_total_size(total_size) {}

CircularBufferConfig::CircularBufferConfig(uint32_t total_size,
                                           const std::map<uint8_t, tt::DataFormat>& spec)
    : m_total_size(total_size) {
    for (const auto& [i, f] : spec) {
        check_index(i, "CircularBufferConfig");
        m_formats[i] = f;
    }
}

CircularBufferConfig::CircularBufferConfig(uint32_t total_size,
                                           const std::map<uint8_t, tt::DataFormat>& spec,
                                           const Buffer& buffer)
    : CircularBufferConfig(total_size, spec) {
    set_globally_allocated_address(buffer);
}

CircularBufferConfig& CircularBufferConfig::set_page_size(uint8_t i, uint32_t page_size) {
    check_index(i, "set_page_size");
    if (!m_formats[i])
        throw HostError(
            fmt::format("set_page_size: CB index {} has no data format in this config", i));
    if (page_size == 0 || m_total_size % page_size != 0)
        throw HostError(fmt::format(
            "set_page_size: total size {} B of CB {} is not a multiple of the page size {} B",
            m_total_size, i, page_size));
    m_page_sizes[i] = page_size;
    return *this;
}

CircularBufferConfig& CircularBufferConfig::set_total_size(uint32_t total_size) {
    m_total_size = total_size;
    return *this;
}

CircularBufferConfig& CircularBufferConfig::set_globally_allocated_address(const Buffer& buffer) {
    if (!buffer.is_l1())
        throw HostError(
            "set_globally_allocated_address: a circular buffer can only sit on an L1 buffer");
    m_global_address = buffer.address();
    m_global_buffer = &buffer;
    return *this;
}

CircularBufferConfig& CircularBufferConfig::set_tile_dims(uint8_t i, const Tile& tile) {
    check_index(i, "set_tile_dims");
    if (tile.tile_shape[0] != 32 || tile.tile_shape[1] != 32)
        throw HostError("set_tile_dims: tensim models 32x32 tiles only");
    return *this;
}

CircularBufferConfig::Builder& CircularBufferConfig::Builder::set_data_format(tt::DataFormat f) {
    check_index(m_index, "index().set_data_format");
    m_cfg.m_formats[m_index] = f;
    return *this;
}
CircularBufferConfig::Builder& CircularBufferConfig::Builder::set_page_size(uint32_t bytes) {
    m_cfg.set_page_size(m_index, bytes);
    return *this;
}
CircularBufferConfig::Builder& CircularBufferConfig::Builder::set_total_size(uint32_t bytes) {
    m_cfg.set_total_size(bytes);
    return *this;
}
CircularBufferConfig::Builder& CircularBufferConfig::Builder::set_tile_dims(const Tile& tile) {
    m_cfg.set_tile_dims(m_index, tile);
    return *this;
}

}  // namespace tt::tt_metal
