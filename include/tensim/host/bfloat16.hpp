// Host-side bfloat16 value type and the bf16 vector helpers used by host programs.
// Mirrors TT-Metalium's <tt-metalium/bfloat16.hpp> in its newest form: converting construction
// rounds to nearest-even, bfloat16::truncate() gives the older truncating conversion.
#pragma once

#include <bit>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <type_traits>
#include <utility>
#include <vector>

class bfloat16;

namespace tensim::detail {
template <typename T>
concept Bf16Arithmetic = std::is_arithmetic_v<T>;
}  // namespace tensim::detail

class bfloat16 {
public:
    static constexpr std::size_t SIZEOF = 2;

    constexpr bfloat16() = default;

    // Raw bits. Constructing from uint16_t keeps the bit pattern (TT-Metalium has always done this
    // and host code relies on it to rebuild values read back from a device).
    constexpr bfloat16(uint16_t raw_bits) : m_bits(raw_bits) {}

    // Every other arithmetic type converts by value, rounding to nearest-even. This is
    // TT-Metalium's newest behaviour; older releases also had raw-bit constructors for uint32_t and
    // int, which would turn bfloat16(1) into a denormal. Those are deliberately not reproduced.
    template <tensim::detail::Bf16Arithmetic T>
    requires(!std::is_same_v<T, uint16_t>) constexpr bfloat16(T value)
        : m_bits(from_value(value)) {}

    // The older host conversion: drops the low 16 bits of the fp32 pattern. A NaN stays a NaN.
    static bfloat16 truncate(float value);

    float to_float() const { return std::bit_cast<float>(static_cast<uint32_t>(m_bits) << 16); }
    uint16_t to_packed() const { return m_bits; }
    uint16_t to_uint16() const { return m_bits; }
    operator float() const { return to_float(); }

    // Two bfloat16 are equal when their bit patterns are (so -0 != +0 and a NaN equals itself),
    // as in TT-Metalium. Comparison against a plain number is by value, in float.
    friend bool operator==(bfloat16 a, bfloat16 b) { return a.m_bits == b.m_bits; }
    friend bool operator<(bfloat16 a, bfloat16 b) { return a.to_float() < b.to_float(); }
    friend bool operator>(bfloat16 a, bfloat16 b) { return a.to_float() > b.to_float(); }
    friend bool operator<=(bfloat16 a, bfloat16 b) { return a.to_float() <= b.to_float(); }
    friend bool operator>=(bfloat16 a, bfloat16 b) { return a.to_float() >= b.to_float(); }

    // bf16 op bf16 is computed in float and rounded back to nearest-even.
    friend bfloat16 operator+(bfloat16 a, bfloat16 b) {
        return bfloat16(a.to_float() + b.to_float());
    }
    friend bfloat16 operator-(bfloat16 a, bfloat16 b) {
        return bfloat16(a.to_float() - b.to_float());
    }
    friend bfloat16 operator*(bfloat16 a, bfloat16 b) {
        return bfloat16(a.to_float() * b.to_float());
    }
    friend bfloat16 operator/(bfloat16 a, bfloat16 b) {
        return bfloat16(a.to_float() / b.to_float());
    }
    bfloat16 operator-() const { return bfloat16(static_cast<uint16_t>(m_bits ^ 0x8000u)); }
    bfloat16 operator+() const { return *this; }

    bfloat16& operator+=(bfloat16 b) { return *this = *this + b; }
    bfloat16& operator-=(bfloat16 b) { return *this = *this - b; }
    bfloat16& operator*=(bfloat16 b) { return *this = *this * b; }
    bfloat16& operator/=(bfloat16 b) { return *this = *this / b; }

    // Mixed bf16/number operations. Without these, `x + 1.0f` would be ambiguous between the
    // bf16 operator (converting 1.0f) and the built-in float one (converting x). Like the usual
    // arithmetic conversions, the result is the wider type: float.
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator+(bfloat16 a, T b) {
        return a.to_float() + static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator+(T a, bfloat16 b) {
        return static_cast<float>(a) + b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator-(bfloat16 a, T b) {
        return a.to_float() - static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator-(T a, bfloat16 b) {
        return static_cast<float>(a) - b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator*(bfloat16 a, T b) {
        return a.to_float() * static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator*(T a, bfloat16 b) {
        return static_cast<float>(a) * b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator/(bfloat16 a, T b) {
        return a.to_float() / static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend float operator/(T a, bfloat16 b) {
        return static_cast<float>(a) / b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator==(bfloat16 a, T b) {
        return a.to_float() == static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator<(bfloat16 a, T b) {
        return a.to_float() < static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator<(T a, bfloat16 b) {
        return static_cast<float>(a) < b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator>(bfloat16 a, T b) {
        return a.to_float() > static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator>(T a, bfloat16 b) {
        return static_cast<float>(a) > b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator<=(bfloat16 a, T b) {
        return a.to_float() <= static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator<=(T a, bfloat16 b) {
        return static_cast<float>(a) <= b.to_float();
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator>=(bfloat16 a, T b) {
        return a.to_float() >= static_cast<float>(b);
    }
    template <tensim::detail::Bf16Arithmetic T>
    friend bool operator>=(T a, bfloat16 b) {
        return static_cast<float>(a) >= b.to_float();
    }

private:
    // Round-to-nearest-even on the fp32 pattern: add 0x7fff plus the lowest kept bit, then drop
    // the low half. Overflow carries into the exponent and correctly produces infinity.
    static constexpr uint16_t round_from_float(float value) {
        const uint32_t bits = std::bit_cast<uint32_t>(value);
        if ((bits & 0x7fffffffu) > 0x7f800000u) {
            return static_cast<uint16_t>((bits >> 16) |
                                         0x0040u);  // NaN: keep sign, force quiet bit
        }
        const uint32_t lsb = (bits >> 16) & 1u;
        return static_cast<uint16_t>((bits + 0x7fffu + lsb) >> 16);
    }
    static uint16_t round_from_double(double value);

    template <typename T>
    static constexpr uint16_t from_value(T value) {
        if constexpr (std::is_same_v<T, float>) {
            return round_from_float(value);
        } else {
            // double, long double and integers: one correctly rounded step from double.
            return round_from_double(static_cast<double>(value));
        }
    }

    uint16_t m_bits = 0;
};

static_assert(sizeof(bfloat16) == bfloat16::SIZEOF);

std::ostream& operator<<(std::ostream& os, const bfloat16& value);

// --- vector helpers (TT-Metalium names) -----------------------------------------------------

// num_bytes / 4 words, each holding two bf16 (first element in the low half). Values are drawn
// uniformly from [offset, offset + rand_max_float) with std::mt19937(seed), then rounded to bf16.
std::vector<uint32_t> create_random_vector_of_bfloat16(uint32_t num_bytes, int rand_max_float,
                                                       int seed, float offset = 0.0f);
// Same draw sequence as above, returned as num_bytes / 2 unpacked values.
std::vector<bfloat16> create_random_vector_of_bfloat16_native(uint32_t num_bytes,
                                                              float rand_max_float, int seed,
                                                              float offset = 0.0f);
std::vector<uint32_t> create_random_vector_of_bfloat16_1_1(uint32_t num_bytes,
                                                           int seed);  // [-1, 1)
std::vector<uint32_t> create_random_vector_of_bfloat16_0_2(uint32_t num_bytes, int seed);  // [0, 2)
std::vector<uint32_t> create_constant_vector_of_bfloat16(uint32_t num_bytes, float value);

uint32_t pack_two_bfloat16_into_uint32(std::pair<bfloat16, bfloat16> two_bfloats);
std::pair<bfloat16, bfloat16> unpack_two_bfloat16_from_uint32(uint32_t uint32_data);
// Throws std::invalid_argument for an odd number of elements.
std::vector<uint32_t> pack_bfloat16_vec_into_uint32_vec(const std::vector<bfloat16>& data);
// `transform` is applied to each unpacked value (TT-Metalium's optional second argument).
std::vector<bfloat16> unpack_uint32_vec_into_bfloat16_vec(
    const std::vector<uint32_t>& data,
    const std::function<bfloat16(const bfloat16&)>& transform = {});
// rows x cols zeros, with ones on the diagonal of the first num_ones rows.
std::vector<bfloat16> create_identity_matrix(int rows, int cols, int num_ones);

// True when a and b agree to n significant figures: |a - b| is at most half a unit in the n-th
// significant digit of the larger magnitude.
bool equal_within_n_sig_figs(float a, float b, int n);
// Absolute tolerance near zero, relative tolerance elsewhere.
bool is_close(float a, float b, float rtol = 0.01f, float atol = 0.001f);
// Pearson correlation computed in double. Identical vectors (including constant ones) give 1.0;
// a constant vector against a different vector gives 0.0. Throws on a size mismatch.
float check_bfloat16_vector_pcc(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b);
// Applies `compare` to every bf16 pair of two packed vectors; on the first failure stores the
// failing bf16 index in *argfail (if given) and returns false.
bool packed_uint32_t_vector_comparison(const std::vector<uint32_t>& vec_a,
                                       const std::vector<uint32_t>& vec_b,
                                       const std::function<bool(float, float)>& compare,
                                       int* argfail = nullptr);
