// Circular buffer configuration (TT-Metalium circular_buffer_config.hpp): one L1 region, shared
// by one or more CB indices, with per-index data format and page size.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "tensim/host/buffer.hpp"
#include "tensim/host/types.hpp"

namespace tt::tt_metal {

struct Tile {
    std::array<uint32_t, 2> tile_shape = {32, 32};
    Tile() = default;
    Tile(std::array<uint32_t, 2> shape) : tile_shape(shape) {}
};

class CircularBufferConfig {
public:
    explicit CircularBufferConfig(uint32_t total_size);
    CircularBufferConfig(uint32_t total_size,
                         const std::map<uint8_t, tt::DataFormat>& data_format_spec);
    CircularBufferConfig(uint32_t total_size,
                         const std::map<uint8_t, tt::DataFormat>& data_format_spec,
                         const Buffer& buffer);

    CircularBufferConfig& set_page_size(uint8_t buffer_index, uint32_t page_size);
    CircularBufferConfig& set_total_size(uint32_t total_size);
    CircularBufferConfig& set_globally_allocated_address(const Buffer& buffer);
    CircularBufferConfig& set_tile_dims(uint8_t buffer_index, const Tile& tile);

    class Builder {
    public:
        Builder(CircularBufferConfig& cfg, uint8_t index) : m_cfg(cfg), m_index(index) {}
        Builder& set_data_format(tt::DataFormat f);
        Builder& set_page_size(uint32_t bytes);
        Builder& set_total_size(uint32_t bytes);
        Builder& set_tile_dims(const Tile& tile);

    private:
        CircularBufferConfig& m_cfg;
        uint8_t m_index;
    };
    Builder index(uint8_t buffer_index) { return Builder(*this, buffer_index); }

    uint32_t total_size() const { return m_total_size; }
    const std::array<std::optional<tt::DataFormat>, NUM_CIRCULAR_BUFFERS>& data_formats() const {
        return m_formats;
    }
    const std::array<std::optional<uint32_t>, NUM_CIRCULAR_BUFFERS>& page_sizes() const {
        return m_page_sizes;
    }
    std::optional<uint32_t> globally_allocated_address() const { return m_global_address; }
    const Buffer* shadow_global_buffer() const { return m_global_buffer; }

private:
    uint32_t m_total_size = 0;
    std::array<std::optional<tt::DataFormat>, NUM_CIRCULAR_BUFFERS> m_formats{};
    std::array<std::optional<uint32_t>, NUM_CIRCULAR_BUFFERS> m_page_sizes{};
    std::optional<uint32_t> m_global_address;
    const Buffer* m_global_buffer = nullptr;
};

}  // namespace tt::tt_metal
