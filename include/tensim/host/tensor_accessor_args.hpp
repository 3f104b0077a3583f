// Host side of TensorAccessor (TT-Metalium [N] tensor_accessor_args.hpp): the compile-time args a
// kernel's TensorAccessorArgs<offset> reads to address a buffer's pages. Only interleaved buffers
// are described, as [args_config (bit0 sharded, bit1 DRAM), aligned page size].
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
    // Interleaved buffers need no common runtime args, so nothing goes to the second vector.
    void append_to(std::vector<uint32_t>& compile_time_args,
                   std::vector<uint32_t>& common_runtime_args) const;
    std::vector<uint32_t> get_compile_time_args() const;
    std::vector<uint32_t> get_common_runtime_args() const { return {}; }

  private:
    // Bits of args_config as the device side (api/tensor/tensor_accessor.h) decodes them.
    static constexpr uint32_t kSharded = 1u << 0;
    static constexpr uint32_t kIsDram = 1u << 1;

    uint32_t m_args_config = 0;
    uint32_t m_aligned_page_size = 0;
};

}  // namespace tt::tt_metal
