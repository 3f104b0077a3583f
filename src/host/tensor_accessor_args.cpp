// TensorAccessorArgs: a buffer's addressing described as kernel compile-time args.
#include "tensim/host/tensor_accessor_args.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "tensim/host/buffer.hpp"
#include "tensim/host/mesh.hpp"

namespace tt::tt_metal {

using tensim::HostError;

TensorAccessorArgs::TensorAccessorArgs(const Buffer& buffer) {
    if (buffer.buffer_layout() != TensorMemoryLayout::INTERLEAVED)
        throw HostError(
            "TensorAccessorArgs: sharded buffers are not supported yet (interleaved only)");
    m_args_config = buffer.is_dram() ? kIsDram : 0;
    m_aligned_page_size = static_cast<uint32_t>(buffer.aligned_page_size());
}

TensorAccessorArgs::TensorAccessorArgs(const Buffer* buffer)
    : TensorAccessorArgs(buffer ? *buffer : throw HostError("TensorAccessorArgs: null buffer")) {}

TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<Buffer>& buffer)
    : TensorAccessorArgs(buffer.get()) {}

// Every device of a mesh holds its shard at the same address with the same layout, so the
// reference buffer describes them all.
TensorAccessorArgs::TensorAccessorArgs(const distributed::MeshBuffer& buffer)
    : TensorAccessorArgs(buffer.get_reference_buffer()) {}

TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer>& buffer)
    : TensorAccessorArgs(buffer ? *buffer
                                : throw HostError("TensorAccessorArgs: null mesh buffer")) {}

void TensorAccessorArgs::append_to(std::vector<uint32_t>& compile_time_args) const {
    compile_time_args.push_back(m_args_config);
    compile_time_args.push_back(m_aligned_page_size);
}

void TensorAccessorArgs::append_to(std::vector<uint32_t>& compile_time_args,
                                   std::vector<uint32_t>&) const {
    append_to(compile_time_args);
}

std::vector<uint32_t> TensorAccessorArgs::get_compile_time_args() const {
    std::vector<uint32_t> args;
    append_to(args);
    return args;
}

}  // namespace tt::tt_metal
