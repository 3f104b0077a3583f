// Small TT-Metalium host names over tensim: IDevice::allocator() and the enum names fmt prints.
#include "host/device_impl.hpp"
#include "tensim/host/allocator.hpp"
#include "tensim/host/device.hpp"

namespace tt::tt_metal {

uint32_t Allocator::get_alignment(BufferType type) const {
    return static_cast<uint32_t>(tensim::host::impl_of(m_device).alignment(type));
}

const std::unique_ptr<Allocator>& IDevice::allocator() const {
    if (!m_allocator) m_allocator = std::make_unique<Allocator>(const_cast<IDevice&>(*this));
    return m_allocator;
}

}  // namespace tt::tt_metal

namespace tensim::host {

std::string_view enum_name(tt::tt_metal::TensorMemoryLayout v) {
    using L = tt::tt_metal::TensorMemoryLayout;
    switch (v) {
        case L::INTERLEAVED:
            return "INTERLEAVED";
        case L::SINGLE_BANK:
            return "SINGLE_BANK";
        case L::HEIGHT_SHARDED:
            return "HEIGHT_SHARDED";
        case L::WIDTH_SHARDED:
            return "WIDTH_SHARDED";
        case L::BLOCK_SHARDED:
            return "BLOCK_SHARDED";
    }
    return "?";
}

std::string_view enum_name(tt::tt_metal::BufferType v) {
    using B = tt::tt_metal::BufferType;
    switch (v) {
        case B::DRAM:
            return "DRAM";
        case B::L1:
            return "L1";
        case B::SYSTEM_MEMORY:
            return "SYSTEM_MEMORY";
        case B::L1_SMALL:
            return "L1_SMALL";
        case B::TRACE:
            return "TRACE";
    }
    return "?";
}

std::string_view enum_name(tt::tt_metal::ShardOrientation v) {
    return v == tt::tt_metal::ShardOrientation::ROW_MAJOR ? "ROW_MAJOR" : "COL_MAJOR";
}

}  // namespace tensim::host
