// Host side of TensorAccessor (TT-Metalium [N] tensor_accessor_args.hpp): the compile-time args a
// kernel's TensorAccessorArgs<offset> reads to address a buffer's pages. Interleaved buffers are
// [args_config (bit0 sharded, bit1 DRAM), aligned page size], as TT-Metal [N] appends them;
// sharded ones (2-D page grids: height, width, block) add tensim's own encoding, read only by
// tensim's device side: [tensor width, shard height, shard width (pages), shards, bank of each
// shard].
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace tt::tt_metal {

class Buffer;
namespace distributed {
class MeshBuffer;
}

class TensorAccessorArgs {
public:
    explicit TensorAccessorArgs(const Buffer& buffer);
    explicit TensorAccessorArgs(const Buffer* buffer);
    explicit TensorAccessorArgs(const std::shared_ptr<Buffer>& buffer);
    explicit TensorAccessorArgs(const distributed::MeshBuffer& buffer);
    explicit TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer>& buffer);

    void append_to(std::vector<uint32_t>& compile_time_args) const;
    // Everything is compile-time, so nothing goes to the second vector.
    void append_to(std::vector<uint32_t>& compile_time_args,
                   std::vector<uint32_t>& common_runtime_args) const;
    std::vector<uint32_t> get_compile_time_args() const;
    std::vector<uint32_t> get_common_runtime_args() const { return {}; }

private:
    // Bits of args_config as the device side (api/tensor/tensor_accessor.h) decodes them.
    static constexpr uint32_t kSharded = 1u << 0;
    static constexpr uint32_t kIsDram = 1u << 1;

    std::vector<uint32_t> m_args;  // what append_to appends
};

}  // namespace tt::tt_metal
