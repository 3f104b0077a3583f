// Buffers: interleaved allocation over the banks of a device (TT-Metalium buffer.hpp).
#include <fmt/format.h>

#include "common/error.hpp"
#include "host/device_impl.hpp"

namespace tt::tt_metal {

using tensim::HostError;

Buffer::Buffer(Token, const BufferConfig& cfg, std::optional<DeviceAddr> address)
    : m_device(cfg.device), m_size(cfg.size), m_page_size(cfg.page_size), m_type(cfg.buffer_type),
      m_layout(cfg.buffer_layout) {
    if (!m_device) throw HostError("CreateBuffer: config.device is null");
    if (m_layout != TensorMemoryLayout::INTERLEAVED)
        throw HostError("CreateBuffer: sharded layouts need ShardedBufferConfig (not modelled yet)");
    if (m_size == 0 || m_page_size == 0 || m_size % m_page_size != 0)
        throw HostError(fmt::format("CreateBuffer: size {} B must be a non-zero multiple of page_size {} B", m_size,
                                    m_page_size));
    auto& impl = m_device->impl();
    m_device_serial = impl.serial();
    auto& alloc = impl.allocator(m_type);
    m_num_banks = impl.num_banks(m_type);
    uint64_t align = impl.alignment(m_type);
    m_aligned_page_size = (m_page_size + align - 1) / align * align;
    uint64_t pages_per_bank = (num_pages() + m_num_banks - 1) / m_num_banks;
    uint64_t per_bank = pages_per_bank * m_aligned_page_size;
    if (address) {
        // A caller-chosen address may alias other buffers (a view), as on TT-Metal, but must lie in
        // the allocatable range, above the firmware's reserved area.
        m_address = *address;
        if (m_address < alloc.base() || m_address + per_bank > alloc.limit() || m_address % align)
            throw HostError(fmt::format("CreateBuffer at 0x{:x}: {} B per bank must lie {}-aligned in [0x{:x}, 0x{:x}) "
                                        "of {}",
                                        m_address, per_bank, align, alloc.base(), alloc.limit(), alloc.name()));
    } else {
        auto a = alloc.allocate(per_bank);
        if (!a)
            throw HostError(fmt::format("CreateBuffer: out of {} memory: {} B per bank ({} B over {} banks) requested, "
                                        "largest free block {} B",
                                        alloc.name(), per_bank, m_size, m_num_banks, alloc.largest_free_block()));
        m_address = *a;
        m_owns_allocation = true;
    }
    m_allocated = true;
}

Buffer::~Buffer() { deallocate(); }

void Buffer::deallocate() {
    if (m_allocated && m_owns_allocation) {
        // The device may already be closed; then its allocator went with it.
        if (auto* d = tensim::host::find_device(m_device_serial)) d->allocator(m_type).free(m_address);
    }
    m_allocated = false;
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config) {
    return std::make_shared<Buffer>(Buffer::Token{}, config, std::nullopt);
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config, DeviceAddr address) {
    return std::make_shared<Buffer>(Buffer::Token{}, config, address);
}

void DeallocateBuffer(Buffer& buffer) { buffer.deallocate(); }

}  // namespace tt::tt_metal
