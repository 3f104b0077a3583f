#include "numerics/formats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/bf16_round.hpp"

namespace tensim::numerics {

namespace {

constexpr int kRows = 64;  // 16-datum rows per tile; one shared exponent each
constexpr int kRowDatums = 16;
constexpr int kExpBytes = kRows;  // block float: exponent section before the datums

uint32_t bits_of(float x) { return std::bit_cast<uint32_t>(x); }
float float_of(uint32_t u) { return std::bit_cast<float>(u); }

[[noreturn]] void throw_unsupported(const char* fn, tt::DataFormat fmt) {
    const char* name = abi::format_name(fmt);
    throw std::invalid_argument(
        std::string(fn) + ": data format " +
        (name ? std::string(name) : "DataFormat(" + std::to_string(unsigned(fmt)) + ")") +
        " has no tile encoding in tensim");
}

// --- block float -----------------------------------------------------------------------------

struct BfpSpec {
    int mag_bits;  // 7 (BFP8), 3 (BFP4), 1 (BFP2)
    bool exp_a;    // 5-bit shared exponent, bias 15 (Bfp*), instead of 8-bit, bias 127 (Bfp*_b)
};

// The codecs are templates on the magnitude width so the datum packing compiles to constant
// shifts and masks (they run once per tile in the simulator's hot path).

bool bfp_spec(tt::DataFormat fmt, BfpSpec& spec) {
    using tt::DataFormat;
    switch (fmt) {
        case DataFormat::Bfp8_b:
            spec = {7, false};
            return true;
        case DataFormat::Bfp4_b:
            spec = {3, false};
            return true;
        case DataFormat::Bfp2_b:
            spec = {1, false};
            return true;
        case DataFormat::Bfp8:
            spec = {7, true};
            return true;
        case DataFormat::Bfp4:
            spec = {3, true};
            return true;
        case DataFormat::Bfp2:
            spec = {1, true};
            return true;
        default:
            return false;
    }
}

// round(m24 / 2^shift) for a 24-bit significand, saturated to max_mag. shift >= 17 always
// (24 bits down to at most 7), so the half-way bit exists.
uint32_t round_shifted(uint32_t m24, int shift, bool ties_even, uint32_t max_mag) {
    if (shift >= 32) return 0;  // below half of the smallest step
    const uint32_t q = m24 >> shift;
    const uint32_t rem = m24 & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    const bool up = rem > half || (rem == half && (!ties_even || (q & 1u)));
    return std::min(q + (up ? 1u : 0u), max_mag);
}

template <int MagBits>
void encode_bfp(bool exp_a, const Tile& in, uint8_t* dst, Rounding rounding) {
    constexpr int per_byte = 8 / (MagBits + 1);
    uint8_t* data = dst + kExpBytes;
    std::memset(data, 0, 1024 / per_byte);
    for (int row = 0; row < kRows; ++row) {
        int exp[kRowDatums];
        uint32_t sig[kRowDatums];
        int shared = 0;
        for (int i = 0; i < kRowDatums; ++i) {
            const uint32_t u = bits_of(in[row * kRowDatums + i]);
            int e = static_cast<int>((u >> 23) & 0xffu);
            uint32_t mant = u & 0x7fffffu;
            if (exp_a && e != 0) {
                e -= 127 - 15;  // rebias to 5 bits
                if (e > 31) {   // beyond FP16 range (also inf/NaN): largest magnitude
                    e = 31;
                    mant = 0x7fffffu;
                }
            }
            if (e <= 0) {  // zero, denormal, or below the 5-bit range: flushed
                exp[i] = 0;
                sig[i] = 0;
                continue;
            }
            exp[i] = e;
            sig[i] = (1u << 23) | mant;  // explicit leading bit
            shared = std::max(shared, e);
        }
        dst[row] = static_cast<uint8_t>(shared);
        for (int i = 0; i < kRowDatums; ++i) {
            if (sig[i] == 0) continue;
            // Significand unit 2^(e-23-bias); stored magnitude unit 2^(shared-(MagBits-1)-bias).
            uint32_t mag;
            if (rounding == Rounding::host) {
                mag = round_shifted(sig[i], shared - exp[i] + 24 - MagBits, true,
                                    (1u << MagBits) - 1);
            } else {
                const uint32_t mag8 = round_shifted(sig[i], shared - exp[i] + 17, false, 127);
                mag = mag8 >> (7 - MagBits);
            }
            if (mag == 0) continue;
            const uint32_t sign = bits_of(in[row * kRowDatums + i]) >> 31;
            const uint32_t code = (sign << MagBits) | mag;
            const int idx = row * kRowDatums + i;
            data[idx / per_byte] |=
                static_cast<uint8_t>(code << ((idx % per_byte) * (MagBits + 1)));
        }
    }
}

template <int MagBits>
void decode_bfp(bool exp_a, const uint8_t* src, Tile& out) {
    const uint8_t* data = src + kExpBytes;
    constexpr int width = MagBits + 1;
    constexpr int per_byte = 8 / width;
    constexpr uint32_t code_mask = (1u << width) - 1;
    constexpr uint32_t mag_mask = (1u << MagBits) - 1;
    const int bias = exp_a ? 15 : 127;
    for (int row = 0; row < kRows; ++row) {
        // exp_a exponents are 5 bits stored zero-extended; ignore stray upper bits.
        const int shared = exp_a ? (src[row] & 0x1f) : src[row];
        const float scale = std::ldexp(1.0f, shared - bias - (MagBits - 1));
        for (int i = 0; i < kRowDatums; ++i) {
            const int idx = row * kRowDatums + i;
            const uint32_t code = (data[idx / per_byte] >> ((idx % per_byte) * width)) & code_mask;
            const float v = static_cast<float>(code & mag_mask) * scale;
            out[idx] = (code >> MagBits) ? -v : v;
        }
    }
}

// --- fp16 ----------------------------------------------------------------------------------------

uint16_t fp16_bits(float x) {
    const float y = round_to_fp16(x);
    const uint32_t u = bits_of(y);
    const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
    if (std::isnan(y)) return static_cast<uint16_t>(sign | 0x7e00u);
    if (y == 0.0f) return sign;
    const uint32_t e = ((u >> 23) & 0xffu) - (127 - 15);  // 1..30 after round_to_fp16
    return static_cast<uint16_t>(sign | (e << 10) | ((u >> 13) & 0x3ffu));
}

float fp16_value(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1fu;
    const uint32_t m = h & 0x3ffu;
    if (e == 0) return float_of(sign);  // zero; denormals flushed as everywhere in Tensix
    if (e == 31) return float_of(sign | 0x7f800000u | (m << 13));
    return float_of(sign | ((e + 127 - 15) << 23) | (m << 13));
}

// --- integers ------------------------------------------------------------------------------------

template <typename T>
T saturate_int(float x) {
    if (std::isnan(x)) return 0;
    const double r = std::nearbyint(static_cast<double>(x));  // default mode: ties to even
    const double lo = static_cast<double>(std::numeric_limits<T>::min());
    const double hi = static_cast<double>(std::numeric_limits<T>::max());
    return static_cast<T>(std::clamp(r, lo, hi));
}

template <typename T>
void encode_int(const Tile& in, uint8_t* dst) {
    for (int i = 0; i < 1024; ++i) {
        const T v = saturate_int<T>(in[i]);
        std::memcpy(dst + i * sizeof(T), &v, sizeof(T));
    }
}

template <typename T>
void decode_int(const uint8_t* src, Tile& out) {
    for (int i = 0; i < 1024; ++i) {
        T v;
        std::memcpy(&v, src + i * sizeof(T), sizeof(T));
        out[i] = static_cast<float>(v);
    }
}

// bf16 <-> fp32 over a tile, the hot conversions of `fast` numerics (every unpack and pack of a
// bf16 tile), built per instruction set; the loader picks the widest this CPU runs. Same bits
// in every build: integer shifts and compares only.
__attribute__((target_clones("avx512f", "avx2", "default"))) void decode_bf16(const uint8_t* src,
                                                                              float* out) {
    for (int i = 0; i < 1024; ++i) {  // the top half of an fp32 pattern: a shift
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        const uint32_t u = uint32_t(h) << 16;
        std::memcpy(&out[i], &u, 4);
    }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void encode_bf16(const float* in,
                                                                              uint8_t* dst) {
    for (int i = 0; i < 1024; ++i) {
        uint32_t u;
        std::memcpy(&u, &in[i], 4);
        const uint16_t h = bf16_rne_bits(u);
        std::memcpy(dst + 2 * i, &h, 2);
    }
}

}  // namespace

uint16_t bf16_rne(float x) { return bf16_rne_bits(bits_of(x)); }

float bf16_to_float(uint16_t bits) { return float_of(static_cast<uint32_t>(bits) << 16); }

float round_to_bf16(float x) { return bf16_to_float(bf16_rne(x)); }

float round_to_tf32(float x) {
    const uint32_t u = bits_of(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return float_of((u | 0x00400000u) & ~0x1fffu);
    return float_of((u + 0xfffu + ((u >> 13) & 1u)) & ~0x1fffu);
}

float round_to_fp16(float x) {
    if (std::isnan(x)) return x;
    // FP16 normals have TF32's 10 mantissa bits, so TF32 rounding is FP16 rounding before the
    // range is applied (flush after rounding).
    const float y = round_to_tf32(x);
    const float mag = std::fabs(y);
    if (mag > 65504.0f) return std::copysign(65504.0f, y);
    if (mag < 0x1p-14f) return std::copysign(0.0f, y);
    return y;
}

uint32_t tile_bytes(tt::DataFormat fmt) {
    if (uint32_t n = abi::tile_bytes(fmt)) return n;
    throw_unsupported("tile_bytes", fmt);
}

void decode_tile(tt::DataFormat fmt, const uint8_t* src, Tile& out) {
    using tt::DataFormat;
    BfpSpec spec;
    if (bfp_spec(fmt, spec)) {
        switch (spec.mag_bits) {
            case 7:
                decode_bfp<7>(spec.exp_a, src, out);
                return;
            case 3:
                decode_bfp<3>(spec.exp_a, src, out);
                return;
            default:
                decode_bfp<1>(spec.exp_a, src, out);
                return;
        }
    }
    switch (fmt) {
        case DataFormat::Float32:
            std::memcpy(out.data(), src, 4096);
            return;
        case DataFormat::Float16_b:
            decode_bf16(src, out.data());
            return;
        case DataFormat::Float16:
            for (int i = 0; i < 1024; ++i) {
                uint16_t h;
                std::memcpy(&h, src + 2 * i, 2);
                out[i] = fp16_value(h);
            }
            return;
        case DataFormat::UInt32:
        case DataFormat::RawUInt32:
            decode_int<uint32_t>(src, out);
            return;
        case DataFormat::Int32:
            decode_int<int32_t>(src, out);
            return;
        case DataFormat::UInt16:
        case DataFormat::RawUInt16:
            decode_int<uint16_t>(src, out);
            return;
        case DataFormat::UInt8:
        case DataFormat::RawUInt8:
            decode_int<uint8_t>(src, out);
            return;
        case DataFormat::Int8:
            decode_int<int8_t>(src, out);
            return;
        default:
            throw_unsupported("decode_tile", fmt);
    }
}

void encode_tile(tt::DataFormat fmt, const Tile& in, uint8_t* dst, Rounding r) {
    using tt::DataFormat;
    BfpSpec spec;
    if (bfp_spec(fmt, spec)) {
        switch (spec.mag_bits) {
            case 7:
                encode_bfp<7>(spec.exp_a, in, dst, r);
                return;
            case 3:
                encode_bfp<3>(spec.exp_a, in, dst, r);
                return;
            default:
                encode_bfp<1>(spec.exp_a, in, dst, r);
                return;
        }
    }
    switch (fmt) {
        case DataFormat::Float32:
            std::memcpy(dst, in.data(), 4096);
            return;
        case DataFormat::Float16_b:
            encode_bf16(in.data(), dst);
            return;
        case DataFormat::Float16:
            for (int i = 0; i < 1024; ++i) {
                const uint16_t h = fp16_bits(in[i]);
                std::memcpy(dst + 2 * i, &h, 2);
            }
            return;
        case DataFormat::UInt32:
        case DataFormat::RawUInt32:
            encode_int<uint32_t>(in, dst);
            return;
        case DataFormat::Int32:
            encode_int<int32_t>(in, dst);
            return;
        case DataFormat::UInt16:
        case DataFormat::RawUInt16:
            encode_int<uint16_t>(in, dst);
            return;
        case DataFormat::UInt8:
        case DataFormat::RawUInt8:
            encode_int<uint8_t>(in, dst);
            return;
        case DataFormat::Int8:
            encode_int<int8_t>(in, dst);
            return;
        default:
            throw_unsupported("encode_tile", fmt);
    }
}

void quantize_tile(tt::DataFormat fmt, Tile& t, Rounding r) {
    alignas(16) uint8_t buf[4096];  // the largest tile (Float32 / 32-bit integers)
    encode_tile(fmt, t, buf, r);
    decode_tile(fmt, buf, t);
}

}  // namespace tensim::numerics
