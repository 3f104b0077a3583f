// Buffers: interleaved allocation over the banks of a device (TT-Metalium buffer.hpp).
#include <fmt/format.h>

#include "common/error.hpp"
#include "host/device_impl.hpp"

namespace tt::tt_metal {

using tensim::HostError;

Buffer::Buffer(Token, const BufferConfig& cfg, std::optional<DeviceAddr> address)
    : m_device(cfg.device),
      m_size(cfg.size),
      m_page_size(cfg.page_size),
      m_type(cfg.buffer_type),
      m_layout(cfg.buffer_layout) {
    if (!m_device) throw HostError("CreateBuffer: config.device is null");
    if (m_layout != TensorMemoryLayout::INTERLEAVED)
        throw HostError("CreateBuffer: a sharded layout needs a ShardedBufferConfig");
    if (m_size == 0 || m_page_size == 0 || m_size % m_page_size != 0)
        throw HostError(
            fmt::format("CreateBuffer: size {} B must be a non-zero multiple of page_size {} B",
                        m_size, m_page_size));
    m_num_banks = tensim::host::impl_of(*m_device).num_banks(m_type);
    allocate(address);
}

Buffer::Buffer(Token, const ShardedBufferConfig& cfg)
    : m_device(cfg.device),
      m_size(cfg.size),
      m_page_size(cfg.page_size),
      m_type(cfg.buffer_type),
      m_layout(cfg.buffer_layout),
      m_shard(cfg.shard_parameters) {
    if (!m_device) throw HostError("CreateBuffer: config.device is null");
    if (m_layout == TensorMemoryLayout::INTERLEAVED || m_layout == TensorMemoryLayout::SINGLE_BANK)
        throw HostError(
            "CreateBuffer(ShardedBufferConfig): layout must be HEIGHT, WIDTH or BLOCK_SHARDED");
    const ShardSpecBuffer& sp = *m_shard;
    auto [sh, sw] = sp.shape_in_pages();
    auto [th, tw] = sp.tensor2d_shape_in_pages;
    if (sp.page_shape[0] == 0 || sp.page_shape[1] == 0 || sh == 0 || sw == 0 ||
        sp.shape()[0] % sp.page_shape[0] || sp.shape()[1] % sp.page_shape[1])
        throw HostError(
            fmt::format("CreateBuffer: shard shape {}x{} is not a whole number of {}x{} pages",
                        sp.shape()[0], sp.shape()[1], sp.page_shape[0], sp.page_shape[1]));
    if (uint64_t(th) * tw * m_page_size != m_size)
        throw HostError(
            fmt::format("CreateBuffer: {}x{} pages of {} B do not make the buffer's {} B", th, tw,
                        m_page_size, m_size));
    // As TT-Metal's core_to_host_pages (buffer.cpp): a HEIGHT_SHARDED shard takes the next
    // sh x sw pages in page order whatever its shape (a full-width shard is the common case);
    // WIDTH and BLOCK shards are 2-D rectangles of the page grid.
    uint32_t shards = m_layout == TensorMemoryLayout::HEIGHT_SHARDED
                          ? static_cast<uint32_t>((uint64_t(th) * tw + sh * sw - 1) / (sh * sw))
                          : ((th + sh - 1) / sh) * ((tw + sw - 1) / sw);
    // Cores take shards in row-major shard order, enumerated row by row (ROW_MAJOR) or column by
    // column (COL_MAJOR).
    m_shard_cores = corerange_to_cores(sp.grid(), std::nullopt,
                                       sp.orientation() == ShardOrientation::ROW_MAJOR);
    if (shards > m_shard_cores.size())
        throw HostError(fmt::format("CreateBuffer: {} shards but the shard grid {} has {} cores",
                                    shards, sp.grid().str(), m_shard_cores.size()));
    auto& impl = tensim::host::impl_of(*m_device);
    m_grid_x = static_cast<uint32_t>(m_device->compute_with_storage_grid_size().x);
    for (const auto& c : m_shard_cores) {
        bool ok = is_dram() ? c.y == 0 && c.x < impl.num_banks(m_type)
                            : c.x < m_grid_x && c.y < m_device->compute_with_storage_grid_size().y;
        if (!ok)
            throw HostError(fmt::format("CreateBuffer: shard core {} is not a {}", c.str(),
                                        is_dram() ? "DRAM bank (x = bank, y = 0)" : "worker core"));
    }
    m_num_banks = static_cast<uint32_t>(m_shard_cores.size());
    allocate(std::nullopt);
}

void Buffer::allocate(std::optional<DeviceAddr> address) {
    auto& impl = tensim::host::impl_of(*m_device);
    m_device_serial = impl.serial();
    auto& alloc = impl.allocator(m_type);
    uint64_t align = impl.alignment(m_type);
    m_aligned_page_size = (m_page_size + align - 1) / align * align;
    uint64_t pages_per_bank =
        m_shard ? m_shard->num_pages() : (num_pages() + m_num_banks - 1) / m_num_banks;
    m_size_per_bank = pages_per_bank * m_aligned_page_size;
    const uint64_t per_bank = m_size_per_bank;
    if (address) {
        // A caller-chosen address may alias other buffers (a view), as on TT-Metal, but must lie in
        // the allocatable range, above the firmware's reserved area.
        m_address = *address;
        if (m_address < alloc.base() || m_address + per_bank > alloc.limit() || m_address % align)
            throw HostError(fmt::format(
                "CreateBuffer at 0x{:x}: {} B per bank must lie {}-aligned in [0x{:x}, 0x{:x}) "
                "of {}",
                m_address, per_bank, align, alloc.base(), alloc.limit(), alloc.name()));
    } else {
        // Lockstep over all banks, even for shards on a few cores: addresses stay uniform.
        auto a = alloc.allocate(per_bank);
        if (!a)
            throw HostError(fmt::format(
                "CreateBuffer: out of {} memory: {} B per bank ({} B over {} banks) requested, "
                "largest free block {} B",
                alloc.name(), per_bank, m_size, m_num_banks, alloc.largest_free_block()));
        m_address = *a;
        m_owns_allocation = true;
    }
    m_allocated = true;
}

std::pair<uint32_t, DeviceAddr> Buffer::page_location(uint32_t page) const {
    if (!m_shard)
        return {page % m_num_banks, m_address + (page / m_num_banks) * m_aligned_page_size};
    auto [sh, sw] = m_shard->shape_in_pages();
    auto bank_of = [&](uint32_t shard) {
        const CoreCoord& c = m_shard_cores.at(shard);
        return is_dram() ? static_cast<uint32_t>(c.x) : static_cast<uint32_t>(c.y * m_grid_x + c.x);
    };
    if (m_layout == TensorMemoryLayout::HEIGHT_SHARDED) {
        const uint32_t per_shard = sh * sw;
        return {bank_of(page / per_shard), m_address + (page % per_shard) * m_aligned_page_size};
    }
    uint32_t tw = m_shard->tensor2d_shape_in_pages[1];
    uint32_t pr = page / tw, pc = page % tw;
    uint32_t shard_cols = (tw + sw - 1) / sw;
    uint32_t shard = (pr / sh) * shard_cols + pc / sw;
    return {bank_of(shard), m_address + ((pr % sh) * sw + pc % sw) * m_aligned_page_size};
}

Buffer::~Buffer() { deallocate(); }

void Buffer::deallocate() {
    if (m_allocated && m_owns_allocation) {
        // The device may already be closed; then its allocator went with it.
        if (auto* d = tensim::host::find_device(m_device_serial))
            d->allocator(m_type).free(m_address);
    }
    m_allocated = false;
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config) {
    return std::make_shared<Buffer>(Buffer::Token{}, config, std::nullopt);
}

std::shared_ptr<Buffer> CreateBuffer(const ShardedBufferConfig& config) {
    return std::make_shared<Buffer>(Buffer::Token{}, config);
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config, DeviceAddr address) {
    return std::make_shared<Buffer>(Buffer::Token{}, config, address);
}

void DeallocateBuffer(Buffer& buffer) { buffer.deallocate(); }

}  // namespace tt::tt_metal
