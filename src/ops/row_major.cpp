// tensim::ops::RowMajorTensor: a row-major matrix, one page per row, interleaved.
#include "tensim/ops/row_major.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "tensim/host/bfloat16.hpp"
#include "tensim/host/device.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

RowMajorTensor RowMajorTensor::allocate(IDevice* device, uint32_t rows, uint32_t cols,
                                        RowMajorType dtype, BufferType type) {
    if (rows == 0 || cols == 0)
        throw std::invalid_argument(fmt::format("RowMajorTensor: empty shape {}x{}", rows, cols));
    RowMajorTensor t;
    t.m_device = device;
    t.m_rows = rows, t.m_cols = cols, t.m_dtype = dtype;
    t.m_buffer = CreateBuffer(InterleavedBufferConfig{.device = device,
                                                      .size = DeviceAddr(rows) * t.page_bytes(),
                                                      .page_size = t.page_bytes(),
                                                      .buffer_type = type});
    return t;
}

RowMajorTensor RowMajorTensor::from_ids(IDevice* device, const std::vector<uint32_t>& ids,
                                        uint32_t rows, uint32_t cols, BufferType type) {
    if (ids.size() != size_t(rows) * cols)
        throw std::invalid_argument(
            fmt::format("RowMajorTensor: {} ids given for {}x{}", ids.size(), rows, cols));
    RowMajorTensor t = allocate(device, rows, cols, RowMajorType::uint32, type);
    EnqueueWriteBuffer(device->command_queue(), *t.m_buffer, ids, true);
    return t;
}

RowMajorTensor RowMajorTensor::from_host(IDevice* device, const std::vector<float>& v,
                                         uint32_t rows, uint32_t cols, BufferType type) {
    if (v.size() != size_t(rows) * cols)
        throw std::invalid_argument(
            fmt::format("RowMajorTensor: {} values given for {}x{}", v.size(), rows, cols));
    RowMajorTensor t = allocate(device, rows, cols, RowMajorType::bfloat16, type);
    std::vector<uint16_t> bits(v.size());
    for (size_t i = 0; i < v.size(); ++i) bits[i] = bfloat16(v[i]).to_uint16();
    EnqueueWriteBuffer(device->command_queue(), *t.m_buffer, bits, true);
    return t;
}

std::vector<uint32_t> RowMajorTensor::ids() const {
    if (m_dtype != RowMajorType::uint32)
        throw std::invalid_argument("RowMajorTensor::ids: the tensor holds bfloat16");
    std::vector<uint32_t> out;
    EnqueueReadBuffer(m_device->command_queue(), *m_buffer, out, true);
    out.resize(size_t(m_rows) * m_cols);
    return out;
}

std::vector<float> RowMajorTensor::values() const {
    if (m_dtype != RowMajorType::bfloat16)
        throw std::invalid_argument("RowMajorTensor::values: the tensor holds uint32");
    std::vector<uint16_t> bits;
    EnqueueReadBuffer(m_device->command_queue(), *m_buffer, bits, true);
    std::vector<float> out(size_t(m_rows) * m_cols);
    for (size_t i = 0; i < out.size(); ++i) {
        const uint32_t w = uint32_t(bits[i]) << 16;
        std::memcpy(&out[i], &w, 4);
    }
    return out;
}

}  // namespace tensim::ops
