// Device buffers (TT-Metalium buffer.hpp): DRAM or L1, interleaved page by page over the banks
// (DRAM channels, or the worker cores' L1), same address in every bank.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "tensim/host/types.hpp"

namespace tt::tt_metal {

class IDevice;

struct BufferConfig {
    IDevice* device = nullptr;
    DeviceAddr size = 0;
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::DRAM;
    TensorMemoryLayout buffer_layout = TensorMemoryLayout::INTERLEAVED;
};
using InterleavedBufferConfig = BufferConfig;

class Buffer {
public:
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    IDevice* device() const { return m_device; }
    uint32_t address() const { return static_cast<uint32_t>(m_address); }
    DeviceAddr size() const { return m_size; }
    DeviceAddr page_size() const { return m_page_size; }
    uint32_t num_pages() const { return static_cast<uint32_t>(m_page_size ? (m_size + m_page_size - 1) / m_page_size : 0); }
    DeviceAddr aligned_page_size() const { return m_aligned_page_size; }
    BufferType buffer_type() const { return m_type; }
    TensorMemoryLayout buffer_layout() const { return m_layout; }
    bool is_dram() const { return m_type == BufferType::DRAM; }
    bool is_l1() const { return m_type == BufferType::L1 || m_type == BufferType::L1_SMALL; }
    bool is_allocated() const { return m_allocated; }
    uint32_t num_banks() const { return m_num_banks; }
    void deallocate();
    // tensim: which opening of a device this buffer belongs to (devices can be reopened).
    uint64_t device_serial() const { return m_device_serial; }

    // tensim: made by CreateBuffer only.
    struct Token {};
    Buffer(Token, const BufferConfig& cfg, std::optional<DeviceAddr> address);

private:
    IDevice* m_device;
    DeviceAddr m_size, m_page_size, m_aligned_page_size = 0;
    BufferType m_type;
    TensorMemoryLayout m_layout;
    DeviceAddr m_address = 0;
    uint32_t m_num_banks = 0;
    bool m_allocated = false;
    bool m_owns_allocation = false;
    uint64_t m_device_serial = 0;  // which opening of the device allocated this
};

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config);
std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config, DeviceAddr address);
void DeallocateBuffer(Buffer& buffer);

}  // namespace tt::tt_metal
