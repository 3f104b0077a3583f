#include "tensim/host/bfloat16.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>

bfloat16 bfloat16::truncate(float value) {
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    auto top = static_cast<uint16_t>(bits >> 16);
    // A NaN whose payload sits only in the dropped half would otherwise become an infinity.
    if ((bits & 0x7fffffffu) > 0x7f800000u) top |= 0x0040u;
    return bfloat16(top);
}

uint16_t bfloat16::round_from_double(double value) {
    if (std::isnan(value)) return round_from_float(static_cast<float>(value));
    // Rounding double -> float -> bf16 with nearest-even twice can round a value that lies just
    // past a bf16 midpoint onto the midpoint, and then the wrong way. Rounding to float with
    // round-to-odd (truncate, then set the lowest bit if anything was lost) keeps enough
    // information for the second rounding to be correct, since float has 16 more mantissa bits.
    float f = static_cast<float>(value);
    if (static_cast<double>(f) != value) {
        if (std::fabs(static_cast<double>(f)) > std::fabs(value)) f = std::nextafter(f, 0.0f);
        f = std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
    }
    return round_from_float(f);
}

std::ostream& operator<<(std::ostream& os, const bfloat16& value) { return os << value.to_float(); }

namespace {

// One draw sequence shared by the packed and the native helpers, so they agree for a seed.
template <typename Sink>
void draw_bfloat16(std::size_t count, float rand_max_float, int seed, float offset, Sink&& sink) {
    std::mt19937 gen(static_cast<std::mt19937::result_type>(seed));
    std::uniform_real_distribution<float> dist(0.0f, rand_max_float);
    for (std::size_t i = 0; i < count; ++i) sink(bfloat16(dist(gen) + offset));
}

std::vector<uint32_t> packed_random(uint32_t num_bytes, float rand_max_float, int seed,
                                    float offset) {
    std::vector<uint32_t> out;
    out.reserve(num_bytes / sizeof(uint32_t));
    std::size_t i = 0;
    uint16_t low = 0;
    draw_bfloat16((num_bytes / sizeof(uint32_t)) * 2, rand_max_float, seed, offset,
                  [&](bfloat16 v) {
                      if (i++ % 2 == 0) {
                          low = v.to_uint16();
                      } else {
                          out.push_back(pack_two_bfloat16_into_uint32({bfloat16(low), v}));
                      }
                  });
    return out;
}

}  // namespace

std::vector<uint32_t> create_random_vector_of_bfloat16(uint32_t num_bytes, int rand_max_float,
                                                       int seed, float offset) {
    return packed_random(num_bytes, static_cast<float>(rand_max_float), seed, offset);
}

std::vector<bfloat16> create_random_vector_of_bfloat16_native(uint32_t num_bytes,
                                                              float rand_max_float, int seed,
                                                              float offset) {
    std::vector<bfloat16> out;
    out.reserve(num_bytes / bfloat16::SIZEOF);
    draw_bfloat16(num_bytes / bfloat16::SIZEOF, rand_max_float, seed, offset,
                  [&](bfloat16 v) { out.push_back(v); });
    return out;
}

std::vector<uint32_t> create_random_vector_of_bfloat16_1_1(uint32_t num_bytes, int seed) {
    return packed_random(num_bytes, 2.0f, seed, -1.0f);
}

std::vector<uint32_t> create_random_vector_of_bfloat16_0_2(uint32_t num_bytes, int seed) {
    return packed_random(num_bytes, 2.0f, seed, 0.0f);
}

std::vector<uint32_t> create_constant_vector_of_bfloat16(uint32_t num_bytes, float value) {
    const bfloat16 v(value);
    return std::vector<uint32_t>(num_bytes / sizeof(uint32_t),
                                 pack_two_bfloat16_into_uint32({v, v}));
}

uint32_t pack_two_bfloat16_into_uint32(std::pair<bfloat16, bfloat16> two_bfloats) {
    return static_cast<uint32_t>(two_bfloats.first.to_uint16()) |
           (static_cast<uint32_t>(two_bfloats.second.to_uint16()) << 16);
}

std::pair<bfloat16, bfloat16> unpack_two_bfloat16_from_uint32(uint32_t uint32_data) {
    return {bfloat16(static_cast<uint16_t>(uint32_data & 0xffffu)),
            bfloat16(static_cast<uint16_t>(uint32_data >> 16))};
}

std::vector<uint32_t> pack_bfloat16_vec_into_uint32_vec(const std::vector<bfloat16>& data) {
    if (data.size() % 2 != 0) {
        throw std::invalid_argument("pack_bfloat16_vec_into_uint32_vec: odd number of elements (" +
                                    std::to_string(data.size()) + ")");
    }
    std::vector<uint32_t> out(data.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = pack_two_bfloat16_into_uint32({data[2 * i], data[2 * i + 1]});
    }
    return out;
}

std::vector<bfloat16> unpack_uint32_vec_into_bfloat16_vec(
    const std::vector<uint32_t>& data, const std::function<bfloat16(const bfloat16&)>& transform) {
    std::vector<bfloat16> out;
    out.reserve(data.size() * 2);
    for (uint32_t word : data) {
        auto [lo, hi] = unpack_two_bfloat16_from_uint32(word);
        out.push_back(transform ? transform(lo) : lo);
        out.push_back(transform ? transform(hi) : hi);
    }
    return out;
}

std::vector<bfloat16> create_identity_matrix(int rows, int cols, int num_ones) {
    if (rows < 0 || cols < 0 || num_ones < 0 || num_ones > std::min(rows, cols))
        throw std::invalid_argument("create_identity_matrix: num_ones exceeds the matrix");
    std::vector<bfloat16> out(static_cast<size_t>(rows) * static_cast<size_t>(cols),
                              bfloat16(0.0f));
    for (int i = 0; i < num_ones; ++i) out[static_cast<size_t>(i) * cols + i] = bfloat16(1.0f);
    return out;
}

bool equal_within_n_sig_figs(float a, float b, int n) {
    if (a == b) return true;
    if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b) || n <= 0) return false;
    const double da = a, db = b;
    const double magnitude = std::max(std::fabs(da), std::fabs(db));
    const double leading_exponent = std::floor(std::log10(magnitude));
    const double unit = std::pow(10.0, leading_exponent - (n - 1));
    return std::fabs(da - db) <= 0.5 * unit;
}

bool is_close(float a, float b, float rtol, float atol) {
    const float diff = std::fabs(a - b);
    return diff <= atol || diff <= rtol * std::max(std::fabs(a), std::fabs(b));
}

float check_bfloat16_vector_pcc(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b) {
    if (a.size() != b.size()) {
        throw std::invalid_argument("check_bfloat16_vector_pcc: size mismatch (" +
                                    std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
                                    ")");
    }
    const std::size_t n = a.size();
    bool identical = true;
    double mean_a = 0.0, mean_b = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        mean_a += a[i].to_float();
        mean_b += b[i].to_float();
        identical = identical && a[i].to_float() == b[i].to_float();
    }
    if (identical) return 1.0f;
    mean_a /= static_cast<double>(n);
    mean_b /= static_cast<double>(n);
    double cov = 0.0, var_a = 0.0, var_b = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double da = a[i].to_float() - mean_a;
        const double db = b[i].to_float() - mean_b;
        cov += da * db;
        var_a += da * da;
        var_b += db * db;
    }
    // A constant vector has no defined correlation; it is treated as uncorrelated with anything
    // other than itself.
    if (var_a == 0.0 || var_b == 0.0) return 0.0f;
    return static_cast<float>(cov / std::sqrt(var_a * var_b));
}

bool packed_uint32_t_vector_comparison(const std::vector<uint32_t>& vec_a,
                                       const std::vector<uint32_t>& vec_b,
                                       const std::function<bool(float, float)>& compare,
                                       int* argfail) {
    if (vec_a.size() != vec_b.size()) {
        if (argfail) *argfail = -1;
        return false;
    }
    for (std::size_t i = 0; i < vec_a.size(); ++i) {
        const auto [a0, a1] = unpack_two_bfloat16_from_uint32(vec_a[i]);
        const auto [b0, b1] = unpack_two_bfloat16_from_uint32(vec_b[i]);
        if (!compare(a0.to_float(), b0.to_float())) {
            if (argfail) *argfail = static_cast<int>(2 * i);
            return false;
        }
        if (!compare(a1.to_float(), b1.to_float())) {
            if (argfail) *argfail = static_cast<int>(2 * i + 1);
            return false;
        }
    }
    return true;
}
