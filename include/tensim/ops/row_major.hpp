// Row-major device tensors for the two ops whose TT-NN tensors are not tiled: token ids (uint32,
// the input of embedding and the output of argmax) and a row-major embedding table (bfloat16).
// A [rows, cols] matrix, one page per row (TT-NN's ROW_MAJOR page is the last dimension),
// interleaved over the DRAM banks (or L1), as TT-NN keeps tt_transformers' token ids and its
// embedding weights.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "tensim/host/buffer.hpp"

namespace tt::tt_metal {
class IDevice;
}

namespace tensim::ops {

enum class RowMajorType { uint32, bfloat16 };

class RowMajorTensor {
public:
    RowMajorTensor() = default;
    // Token ids (uint32), row-major [rows][cols]. Throws std::invalid_argument on a size mismatch.
    static RowMajorTensor from_ids(tt::tt_metal::IDevice* device, const std::vector<uint32_t>& ids,
                                   uint32_t rows, uint32_t cols,
                                   tt::tt_metal::BufferType type = tt::tt_metal::BufferType::DRAM);
    // Values rounded to bf16 (nearest even), row-major [rows][cols].
    static RowMajorTensor from_host(tt::tt_metal::IDevice* device, const std::vector<float>& v,
                                    uint32_t rows, uint32_t cols,
                                    tt::tt_metal::BufferType type = tt::tt_metal::BufferType::DRAM);
    static RowMajorTensor allocate(tt::tt_metal::IDevice* device, uint32_t rows, uint32_t cols,
                                   RowMajorType dtype,
                                   tt::tt_metal::BufferType type = tt::tt_metal::BufferType::DRAM);

    std::vector<uint32_t> ids() const;  // uint32 contents
    std::vector<float> values() const;  // bfloat16 contents, widened

    uint32_t rows() const { return m_rows; }
    uint32_t cols() const { return m_cols; }
    RowMajorType dtype() const { return m_dtype; }
    uint32_t element_bytes() const { return m_dtype == RowMajorType::uint32 ? 4 : 2; }
    uint32_t page_bytes() const { return m_cols * element_bytes(); }
    tt::tt_metal::IDevice* device() const { return m_device; }
    tt::tt_metal::Buffer& buffer() const { return *m_buffer; }
    bool is_allocated() const { return m_buffer != nullptr; }
    bool is_dram() const { return m_buffer && m_buffer->is_dram(); }

private:
    tt::tt_metal::IDevice* m_device = nullptr;
    uint32_t m_rows = 0, m_cols = 0;
    RowMajorType m_dtype = RowMajorType::uint32;
    std::shared_ptr<tt::tt_metal::Buffer> m_buffer;
};

}  // namespace tensim::ops
