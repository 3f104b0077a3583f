// What a host program may ask of a device's allocator (TT-Metalium <tt-metalium/allocator.hpp>):
// the alignment of each buffer type. Allocation itself goes through CreateBuffer / MeshBuffer.
#pragma once
#include <cstdint>

#include "tensim/host/types.hpp"

namespace tt::tt_metal {

class IDevice;

class Allocator {
public:
    explicit Allocator(IDevice& device) : m_device(device) {}
    // Bytes every buffer of `type` and every transfer to it is aligned to (the architecture
    // file's l1_alignment_bytes / dram_alignment_bytes).
    uint32_t get_alignment(BufferType type) const;

private:
    IDevice& m_device;
};

}  // namespace tt::tt_metal
