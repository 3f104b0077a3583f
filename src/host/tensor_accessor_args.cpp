// TensorAccessorArgs: a buffer's addressing described as kernel compile-time args.
#include "tensim/host/tensor_accessor_args.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "tensim/host/buffer.hpp"
#include "tensim/host/mesh.hpp"

namespace tt::tt_metal {

using tensim::HostError;

TensorAccessorArgs::TensorAccessorArgs(const Buffer& buffer) {
    const uint32_t page = static_cast<uint32_t>(buffer.aligned_page_size());
    if (!buffer.is_sharded()) {
        m_args = {buffer.is_dram() ? kIsDram : 0, page};
        return;
    }
    const ShardSpecBuffer& spec = *buffer.shard_spec();
    auto [sh, sw] = spec.shape_in_pages();
    const auto [th, tw] = spec.tensor2d_shape_in_pages;
    // A HEIGHT_SHARDED shard holds the next sh x sw pages in page order (Buffer::page_location),
    // which is a full-width shard of sh * sw / tw page rows.
    if (buffer.buffer_layout() == TensorMemoryLayout::HEIGHT_SHARDED && sw != tw) {
        if ((sh * sw) % tw != 0)
            throw HostError(fmt::format(
                "TensorAccessorArgs: a HEIGHT_SHARDED shard of {}x{} pages is not whole rows of "
                "the {}-page-wide tensor",
                sh, sw, tw));
        sh = sh * sw / tw;
        sw = tw;
    }
    const uint32_t shard_rows = (th + sh - 1) / sh, shard_cols = (tw + sw - 1) / sw;
    m_args = {
        kSharded | (buffer.is_dram() ? kIsDram : 0), page, tw, sh, sw, shard_rows * shard_cols};
    // The bank of each shard is the bank of its first page.
    for (uint32_t s = 0; s < shard_rows * shard_cols; ++s)
        m_args.push_back(
            buffer.page_location((s / shard_cols) * sh * tw + (s % shard_cols) * sw).first);
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
    compile_time_args.insert(compile_time_args.end(), m_args.begin(), m_args.end());
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
