// Tensor::from_host and to_host (one pass each: pad, tilize and encode fused; decode, untilize and
// crop fused) against the composition of the public host helpers they replace: the words in the
// buffer and the values read back are the same, for every dtype, with padding and batches.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "op_test.hpp"
#include "tensim/host/bfloat16.hpp"
#include "tensim/host/bfp.hpp"
#include "tensim/host/tilize.hpp"
#include "tensim/ops/tensor.hpp"

using namespace tensim::ops;

namespace {

// Row-major [batch][rows][cols] -> tile-padded, face-order floats, with the public helpers.
std::vector<float> tilized(const std::vector<float>& v, const Shape& s) {
    const uint32_t rp = s.rows_tiles() * 32, cp = s.cols_tiles() * 32;
    std::vector<float> padded(size_t(s.batch) * rp * cp, 0.0f);
    for (uint32_t b = 0; b < s.batch; ++b)
        for (uint32_t r = 0; r < s.rows; ++r)
            for (uint32_t c = 0; c < s.cols; ++c)
                padded[(size_t(b) * rp + r) * cp + c] = v[(size_t(b) * s.rows + r) * s.cols + c];
    return tilize_nfaces(padded, s.batch * rp, cp);
}

std::vector<uint32_t> encoded(const std::vector<float>& t, DType d) {
    switch (d) {
        case DType::bfloat8_b:
            return pack_fp32_vec_as_bfp8_tiles(t, false, false);
        case DType::bfloat4_b:
            return pack_fp32_vec_as_bfp4_tiles(t, false, false);
        case DType::float32: {
            std::vector<uint32_t> w(t.size());
            for (size_t i = 0; i < t.size(); ++i) w[i] = std::bit_cast<uint32_t>(t[i]);
            return w;
        }
        case DType::bfloat16:
            break;
    }
    std::vector<uint32_t> w(t.size() / 2);
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = pack_two_bfloat16_into_uint32({bfloat16(t[2 * i]), bfloat16(t[2 * i + 1])});
    return w;
}

std::vector<float> decoded(const std::vector<uint32_t>& w, DType d, const Shape& s) {
    std::vector<float> t;
    if (d == DType::bfloat8_b)
        t = unpack_bfp8_tiles_into_float_vec(w, false, false);
    else if (d == DType::bfloat4_b)
        t = unpack_bfp4_tiles_into_float_vec(w, false, false);
    else if (d == DType::float32)
        for (uint32_t x : w) t.push_back(std::bit_cast<float>(x));
    else
        for (uint32_t x : w)
            t.push_back(std::bit_cast<float>(x << 16)),
                t.push_back(std::bit_cast<float>(x & 0xffff0000u));
    const uint32_t rp = s.rows_tiles() * 32, cp = s.cols_tiles() * 32;
    t.resize(size_t(s.batch) * rp * cp);
    const std::vector<float> rows = untilize_nfaces(t, s.batch * rp, cp);
    std::vector<float> out;
    for (uint32_t b = 0; b < s.batch; ++b)
        for (uint32_t r = 0; r < s.rows; ++r)
            for (uint32_t c = 0; c < s.cols; ++c)
                out.push_back(rows[(size_t(b) * rp + r) * cp + c]);
    return out;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
        if (std::bit_cast<uint32_t>(x[i]) != std::bit_cast<uint32_t>(y[i])) return false;
    return true;
}

class TensorHost : public tensim::test::DeviceTest {};

}  // namespace

TEST_F(TensorHost, FromHostAndToHostMatchTheHelpers) {
    for (const Shape s : {Shape{1, 64, 96}, Shape{2, 37, 45}, Shape{3, 32, 17}})
        for (const DType d :
             {DType::bfloat16, DType::float32, DType::bfloat8_b, DType::bfloat4_b}) {
            std::vector<float> v =
                tensim::test::uniform(size_t(s.batch) * s.rows * s.cols, s.rows + s.cols);
            // Edge values: ties, a NaN, infinities, a denormal, signed zero.
            v[0] = std::bit_cast<float>(0x3f808000u);  // a tie that rounds to even (down)
            v[1] = std::bit_cast<float>(0x3f818000u);  // a tie that rounds up
            if (d == DType::bfloat16 || d == DType::float32) {
                v[2] = std::numeric_limits<float>::quiet_NaN();
                v[3] = -std::numeric_limits<float>::infinity();
                v[4] = std::bit_cast<float>(0x7f7fffffu);  // rounds to infinity in bf16
                v[5] = std::bit_cast<float>(0x00000001u);
                v[6] = -0.0f;
                v[7] = std::bit_cast<float>(0x7f800001u);  // a signalling NaN's payload
            }
            const Tensor t = Tensor::from_host(dev, v, s, d);
            std::vector<uint32_t> words;
            tt::tt_metal::EnqueueReadBuffer(dev->command_queue(), std::ref(t.buffer()), words,
                                            true);
            const std::vector<uint32_t> want = encoded(tilized(v, s), d);
            ASSERT_EQ(words, want)
                << dtype_name(d) << " " << s.batch << "x" << s.rows << "x" << s.cols;
            EXPECT_TRUE(same_bits(t.to_host(), decoded(want, d, s)))
                << dtype_name(d) << " " << s.batch << "x" << s.rows << "x" << s.cols;
        }
}
