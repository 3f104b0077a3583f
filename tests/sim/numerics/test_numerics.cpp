// Unit tests for sim/numerics (formats, block float, math fidelity, Dst accumulation) and the
// host block-float helpers. Expected bit patterns are worked out by hand in the comments; the
// rules are in docs/numerics.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <stdexcept>
#include <tt-metalium/bfloat4.hpp>
#include <tt-metalium/bfloat8.hpp>
#include <type_traits>
#include <utility>
#include <vector>

#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"
#include "tensim/host/data_format.hpp"
#include "tensim/kernel_api/tensim_abi.h"

namespace {

using namespace tensim::numerics;
using tt::DataFormat;

float from_bits(uint32_t u) { return std::bit_cast<float>(u); }
uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

std::vector<uint8_t> encode(DataFormat fmt, const Tile& t, Rounding r) {
    std::vector<uint8_t> out(tile_bytes(fmt));
    encode_tile(fmt, t, out.data(), r);
    return out;
}

Tile decode(DataFormat fmt, const std::vector<uint8_t>& bytes) {
    Tile t;
    decode_tile(fmt, bytes.data(), t);
    return t;
}

Tile filled(float v) {
    Tile t;
    t.fill(v);
    return t;
}

// Values in [-1, 1) rounded to bf16, in tile order.
Tile random_bf16_tile(std::mt19937& gen) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    Tile t;
    for (float& x : t) x = round_to_bf16(dist(gen));
    return t;
}

// ---------------------------------------------------------------------------------------------
// Scalar roundings

TEST(Scalar, Bf16RoundToNearestEven) {
    // Exactly half an ulp below the kept bits: the tie goes to the even neighbour.
    EXPECT_EQ(bf16_rne(from_bits(0x3F808000)), 0x3F80);  // kept 0x3F80 is even: stays
    EXPECT_EQ(bf16_rne(from_bits(0x3F818000)), 0x3F82);  // kept 0x3F81 is odd: up
    EXPECT_EQ(bf16_rne(from_bits(0xBF808000)), 0xBF80);  // sign does not matter
    EXPECT_EQ(bf16_rne(from_bits(0x3F808001)), 0x3F81);  // above half: up
    EXPECT_EQ(bf16_rne(from_bits(0x3F807FFF)), 0x3F80);  // below half: down
    EXPECT_EQ(bf16_rne(from_bits(0x7F7FFFFF)), 0x7F80);  // FLT_MAX rounds to +inf
    EXPECT_EQ(bf16_rne(from_bits(0x7FC00000)), 0x7FC0);
    // A NaN whose payload is only in the dropped half must not become infinity.
    EXPECT_EQ(bf16_rne(from_bits(0x7F800001)), 0x7FC0);
    EXPECT_EQ(bf16_rne(from_bits(0xFF800001)), 0xFFC0);
    EXPECT_EQ(bf16_to_float(0x3FC0), 1.5f);
    EXPECT_EQ(round_to_bf16(from_bits(0x3F818000)), from_bits(0x3F820000));
}

TEST(Scalar, Tf32RoundToNearestEven) {
    // TF32 keeps 10 mantissa bits; the dropped 13 bits 0x1000 are exactly half.
    EXPECT_EQ(bits(round_to_tf32(from_bits(0x3F801000))), 0x3F800000u);  // bit 13 clear: down
    EXPECT_EQ(bits(round_to_tf32(from_bits(0x3F803000))), 0x3F804000u);  // bit 13 set: up
    EXPECT_EQ(bits(round_to_tf32(from_bits(0x3F801001))), 0x3F802000u);
    EXPECT_TRUE(std::isnan(round_to_tf32(from_bits(0x7F800001))));
}

TEST(Scalar, Fp16RangeAndRounding) {
    EXPECT_EQ(round_to_fp16(1.0f + 0x1p-10f), 1.0f + 0x1p-10f);     // 10 mantissa bits kept
    EXPECT_EQ(round_to_fp16(1.0f + 0x1p-11f), 1.0f);                // tie, to even
    EXPECT_EQ(round_to_fp16(1.0f + 3 * 0x1p-11f), 1.0f + 0x1p-9f);  // tie, odd -> up
    EXPECT_EQ(round_to_fp16(65504.0f), 65504.0f);
    EXPECT_EQ(round_to_fp16(65519.0f), 65504.0f);  // ulp 32 there: nearest is 65504
    EXPECT_EQ(round_to_fp16(65520.0f), 65504.0f);  // tie rounds to 65536, saturates
    EXPECT_EQ(round_to_fp16(1e6f), 65504.0f);
    EXPECT_EQ(round_to_fp16(-std::numeric_limits<float>::infinity()), -65504.0f);
    EXPECT_EQ(round_to_fp16(0x1p-14f), 0x1p-14f);  // smallest normal
    EXPECT_EQ(round_to_fp16(1e-5f), 0.0f);         // would be an fp16 denormal: flushed
    EXPECT_TRUE(std::signbit(round_to_fp16(-1e-5f)));
    EXPECT_TRUE(std::isnan(round_to_fp16(std::numeric_limits<float>::quiet_NaN())));
}

// ---------------------------------------------------------------------------------------------
// Non-block formats

TEST(Formats, Float16Bits) {
    Tile t = filled(0.0f);
    t[0] = 1.0f;         // 0x3C00
    t[1] = -2.0f;        // 0xC000
    t[2] = 65504.0f;     // 0x7BFF
    t[3] = 0x1p-14f;     // 0x0400
    t[4] = 1.0f / 3.0f;  // 0x3555 = 1.0101010101b * 2^-2 = 0.333251953125 (rounded down)
    t[5] = 1e9f;         // saturates: 0x7BFF
    const auto b = encode(DataFormat::Float16, t, Rounding::host);
    const uint16_t expect[] = {0x3C00, 0xC000, 0x7BFF, 0x0400, 0x3555, 0x7BFF};
    for (int i = 0; i < 6; ++i) {
        uint16_t h;
        std::memcpy(&h, b.data() + 2 * i, 2);
        EXPECT_EQ(h, expect[i]) << "datum " << i;
    }
    const Tile d = decode(DataFormat::Float16, b);
    EXPECT_EQ(d[4], 0.333251953125f);
    EXPECT_EQ(d[5], 65504.0f);
}

TEST(Formats, Bf16AndFloat32Bytes) {
    Tile t = filled(0.0f);
    t[0] = from_bits(0x3F818000);
    const auto b16 = encode(DataFormat::Float16_b, t, Rounding::packer);
    EXPECT_EQ(b16[0], 0x82);  // little-endian 0x3F82
    EXPECT_EQ(b16[1], 0x3F);
    EXPECT_EQ(decode(DataFormat::Float16_b, b16)[0], from_bits(0x3F820000));
    const auto b32 = encode(DataFormat::Float32, t, Rounding::packer);
    EXPECT_EQ(decode(DataFormat::Float32, b32), t);
}

// bf16 rounding's edge cases (ties, just below a tie, the largest finite floats, NaNs with
// payloads only in the dropped half, infinities, signed zero, denormals), then random bit patterns.
Tile bf16_rounding_cases(uint32_t seed) {
    Tile t;
    std::mt19937 gen(seed);
    for (float& x : t) x = from_bits(uint32_t(gen()));
    const uint32_t edges[] = {0x3F808000, 0x3F818000, 0xBF808000, 0x3F807FFF, 0x7F7FFFFF,
                              0x7FC00000, 0x7F800001, 0xFF800001, 0x7F800000, 0xFF800000,
                              0x00000001, 0x80000000, 0x7FFFFFFF, 0x007F8000, 0x7F7F8000};
    for (size_t i = 0; i < std::size(edges); ++i) t[i] = from_bits(edges[i]);
    return t;
}

// The tile encoder (branch-free so that it vectorises) agrees with bf16_rne on every datum: ties,
// NaNs with payloads only in the dropped half, infinities, denormals, random bit patterns.
TEST(Formats, Bf16TileEncodeMatchesScalarRounding) {
    const Tile t = bf16_rounding_cases(5);
    const auto b = encode(DataFormat::Float16_b, t, Rounding::packer);
    for (int i = 0; i < 1024; ++i) {
        uint16_t h;
        std::memcpy(&h, b.data() + 2 * i, 2);
        ASSERT_EQ(h, bf16_rne(t[i])) << "datum " << i << " bits " << std::hex << bits(t[i]);
    }
}

TEST(Formats, IntegersRoundAndSaturate) {
    Tile t = filled(0.0f);
    t[0] = -3.5f;  // ties to even: -4
    t[1] = 2.5f;   // 2
    t[2] = 1e10f;  // saturates
    t[3] = -1e10f;
    t[4] = std::numeric_limits<float>::quiet_NaN();  // 0
    t[5] = 7.0f;
    Tile i32 = t;
    quantize_tile(DataFormat::Int32, i32, Rounding::packer);
    EXPECT_EQ(i32[0], -4.0f);
    EXPECT_EQ(i32[1], 2.0f);
    EXPECT_EQ(i32[2], 2147483648.0f);  // INT32_MAX as float
    EXPECT_EQ(i32[3], -2147483648.0f);
    EXPECT_EQ(i32[4], 0.0f);
    const auto b = encode(DataFormat::Int32, t, Rounding::packer);
    int32_t v;
    std::memcpy(&v, b.data() + 2 * 4, 4);
    EXPECT_EQ(v, std::numeric_limits<int32_t>::max());

    Tile u8 = t;
    quantize_tile(DataFormat::UInt8, u8, Rounding::packer);
    EXPECT_EQ(u8[0], 0.0f);  // negative -> 0
    EXPECT_EQ(u8[2], 255.0f);
    EXPECT_EQ(u8[5], 7.0f);
    Tile i8 = t;
    quantize_tile(DataFormat::Int8, i8, Rounding::packer);
    EXPECT_EQ(i8[3], -128.0f);
    EXPECT_EQ(i8[0], -4.0f);
    Tile u16 = t;
    quantize_tile(DataFormat::UInt16, u16, Rounding::packer);
    EXPECT_EQ(u16[2], 65535.0f);
    Tile u32 = t;
    quantize_tile(DataFormat::UInt32, u32, Rounding::packer);
    EXPECT_EQ(u32[1], 2.0f);
    EXPECT_EQ(u32[3], 0.0f);
}

TEST(Formats, UnsupportedThrowsNamingFormat) {
    Tile t = filled(0.0f);
    uint8_t buf[4096];
    try {
        encode_tile(DataFormat::Lf8, t, buf, Rounding::host);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("Lf8"), std::string::npos) << e.what();
    }
    EXPECT_THROW(decode_tile(DataFormat::Tf32, buf, t), std::invalid_argument);
    EXPECT_THROW(tile_bytes(DataFormat::Tf32), std::invalid_argument);
    EXPECT_EQ(tile_bytes(DataFormat::Bfp8_b), 1088u);
    EXPECT_EQ(tile_bytes(DataFormat::Bfp4_b), 576u);
    EXPECT_EQ(tile_bytes(DataFormat::Bfp2_b), 320u);
}

// ---------------------------------------------------------------------------------------------
// The kernel ABI: host, kernels and model share one DataFormat and one MathFidelity, and the ABI's
// sizes are the host's.

static_assert(std::is_same_v<tt::DataFormat, tensim::abi::DataFormat>);
static_assert(tensim::abi::tile_bytes(DataFormat::Bfp8_b) == 1088 &&
              tensim::abi::tile_bytes(DataFormat::Tf32) == 0);

TEST(KernelAbi, SizesAndNamesAgreeWithTheHostApi) {
    for (int v = 0; v < 256; ++v) {
        auto f = static_cast<DataFormat>(v);
        const char* name = tensim::abi::format_name(f);
        if (!name) continue;
        EXPECT_EQ(tensim::data_format_name(f), name);
        EXPECT_EQ(tt::is_block_float(f), tensim::abi::is_block_float(f)) << name;
        if (uint32_t n = tensim::abi::tile_bytes(f)) {
            EXPECT_EQ(tt::tile_size(f), n) << name;
            EXPECT_EQ(tile_bytes(f), n) << name;
        } else {
            EXPECT_THROW(tt::tile_size(f), std::invalid_argument) << name;
        }
    }
    EXPECT_EQ(tensim::abi::fidelity_phases(MathFidelity::HiFi3),
              fidelity_phases(MathFidelity::HiFi3));
}

// ---------------------------------------------------------------------------------------------
// Block float

// Row 0 (tile datums 0..15) with mixed exponents. The largest is 3.99 / 3.0 (biased exponent 128),
// so the shared exponent is 128 and a BFP8 magnitude m means m * 2^(128-127-6) = m / 32.
Tile mixed_row_tile() {
    Tile t = filled(0.0f);
    const float row[16] = {
        3.0f,        // 96
        1.0f,        // 32
        -0.7f,       // 22.4 -> 22
        0.078125f,   // 2.5: tie. host (even) 2, packer (away) 3
        -0.078125f,  // -2.5: host -2, packer -3
        0.109375f,   // 3.5: tie, even and away agree on 4
        3.99f,       // 127.68 -> 128 overflows 7 bits: saturates to 127 (exponent stays 128)
        0.0f,        // 0
        -0.0f,       // 0, sign dropped
        1e-3f,       // 0.032 -> 0
        1e-40f,      // denormal: flushed to 0
        0.015625f,   // 0.5: tie. host 0 (even), packer 1 (away)
        -1.5f,       // -48
        2.5f,        // 80
        0.03125f,    // 1
        1.015625f,   // 32.5: tie. host 32, packer 33
    };
    std::copy(std::begin(row), std::end(row), t.begin());
    return t;
}

TEST(BlockFloat, Bfp8HostRoundingMixedExponents) {
    const auto b = encode(DataFormat::Bfp8_b, mixed_row_tile(), Rounding::host);
    ASSERT_EQ(b.size(), 1088u);
    EXPECT_EQ(b[0], 128);  // shared exponent of row 0
    EXPECT_EQ(b[1], 0);    // all-zero rows: exponent 0
    const uint8_t expect[16] = {0x60, 0x20, 0x96, 0x02, 0x82, 0x04, 0x7F, 0x00,
                                0x00, 0x00, 0x00, 0x00, 0xB0, 0x50, 0x01, 0x20};
    for (int i = 0; i < 16; ++i) EXPECT_EQ(b[64 + i], expect[i]) << "datum " << i;
    const Tile d = decode(DataFormat::Bfp8_b, b);
    const float values[16] = {3.0f, 1.0f, -0.6875f, 0.0625f, -0.0625f, 0.125f, 3.96875f, 0.0f,
                              0.0f, 0.0f, 0.0f,     0.0f,    -1.5f,    2.5f,   0.03125f, 1.0f};
    for (int i = 0; i < 16; ++i) EXPECT_EQ(d[i], values[i]) << "datum " << i;
}

TEST(BlockFloat, Bfp8PackerRoundsTiesAwayFromZero) {
    const auto b = encode(DataFormat::Bfp8_b, mixed_row_tile(), Rounding::packer);
    EXPECT_EQ(b[0], 128);
    const uint8_t expect[16] = {0x60, 0x20, 0x96, 0x03, 0x83, 0x04, 0x7F, 0x00,
                                0x00, 0x00, 0x00, 0x01, 0xB0, 0x50, 0x01, 0x21};
    for (int i = 0; i < 16; ++i) EXPECT_EQ(b[64 + i], expect[i]) << "datum " << i;
    const Tile d = decode(DataFormat::Bfp8_b, b);
    EXPECT_EQ(d[3], 0.09375f);  // 3/32
    EXPECT_EQ(d[4], -0.09375f);
    EXPECT_EQ(d[11], 0.03125f);  // 1/32
    EXPECT_EQ(d[15], 1.03125f);  // 33/32
}

TEST(BlockFloat, Bfp4PackerTruncatesBfp8HostRounds) {
    // Shared exponent 128: a BFP4 magnitude m is m * 2^(128-127-2) = m / 2.
    Tile t = filled(0.0f);
    t[0] = 3.0f;   // bfp8 96 = 1100000b -> >>4 = 6 -> 3.0. host 6.
    t[1] = 1.4f;   // bfp8 44.8 -> 45 = 0101101b -> >>4 = 2 -> 1.0. host: 2.8 -> 3 -> 1.5
    t[2] = -2.9f;  // bfp8 92.8 -> 93 = 1011101b -> 5 -> -2.5. host: 5.8 -> 6 -> -3.0
    t[3] = 3.99f;  // bfp8 saturates at 127 -> 7 -> 3.5. host: 7.98 -> 8 -> saturates 7
    const Tile packer = decode(DataFormat::Bfp4_b, encode(DataFormat::Bfp4_b, t, Rounding::packer));
    const Tile host = decode(DataFormat::Bfp4_b, encode(DataFormat::Bfp4_b, t, Rounding::host));
    EXPECT_EQ(packer[0], 3.0f);
    EXPECT_EQ(packer[1], 1.0f);
    EXPECT_EQ(packer[2], -2.5f);
    EXPECT_EQ(packer[3], 3.5f);
    EXPECT_EQ(host[0], 3.0f);
    EXPECT_EQ(host[1], 1.5f);
    EXPECT_EQ(host[2], -3.0f);
    EXPECT_EQ(host[3], 3.5f);
}

TEST(BlockFloat, PackerBfp4AndBfp2AreTruncatedBfp8Codes) {
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    Tile t;
    for (float& x : t) x = dist(gen);
    const auto b8 = encode(DataFormat::Bfp8_b, t, Rounding::packer);
    const auto b4 = encode(DataFormat::Bfp4_b, t, Rounding::packer);
    const auto b2 = encode(DataFormat::Bfp2_b, t, Rounding::packer);
    for (int row = 0; row < 64; ++row) {
        EXPECT_EQ(b4[row], b8[row]);
        EXPECT_EQ(b2[row], b8[row]);
    }
    for (int i = 0; i < 1024; ++i) {
        const uint32_t mag8 = b8[64 + i] & 0x7F, sign = b8[64 + i] >> 7;
        const uint32_t mag4 = mag8 >> 4, mag2 = mag8 >> 6;
        const uint32_t code4 = (b4[64 + i / 2] >> ((i % 2) * 4)) & 0xF;
        const uint32_t code2 = (b2[64 + i / 4] >> ((i % 4) * 2)) & 0x3;
        EXPECT_EQ(code4, mag4 ? (sign << 3 | mag4) : 0u) << "datum " << i;
        EXPECT_EQ(code2, mag2 ? (sign << 1 | mag2) : 0u) << "datum " << i;
    }
}

TEST(BlockFloat, LayoutExponentsFirstInRowOrder) {
    // Element (2, 20) is in face 1, face row 2: row index 1*16 + 2 = 18, datum
    // tile_index(2, 20) = 256 + 2*16 + 4 = 292.
    Tile t = filled(1.0f);
    ASSERT_EQ(tile_index(2, 20), 292);
    t[tile_index(2, 20)] = 8.0f;  // biased exponent 130
    const auto b = encode(DataFormat::Bfp8_b, t, Rounding::host);
    for (int row = 0; row < 64; ++row) EXPECT_EQ(b[row], row == 18 ? 130 : 127) << "row " << row;
    EXPECT_EQ(b[64 + 292], 0x40);  // 8.0 = 64 * 2^(130-133)
    EXPECT_EQ(b[64 + 288], 0x08);  // 1.0 in row 18: 8 * 2^(130-133)
    EXPECT_EQ(b[64 + 0], 0x40);    // 1.0 elsewhere: 64 * 2^(127-133)
}

TEST(BlockFloat, Bfp4AndBfp2NibbleOrder) {
    // Shared exponent 128. BFP4: 3.0 -> mag 6, code 0x6; -1.0 -> mag 2, code 0x8|2 = 0xA.
    // First datum in the low nibble: byte 0xA6.
    Tile t = filled(0.0f);
    t[0] = 3.0f;
    t[1] = -1.0f;
    const auto b4 = encode(DataFormat::Bfp4_b, t, Rounding::host);
    ASSERT_EQ(b4.size(), 576u);
    EXPECT_EQ(b4[0], 128);
    EXPECT_EQ(b4[64], 0xA6);
    EXPECT_EQ(b4[65], 0x00);
    // BFP2 at shared exponent 128: magnitude 1 = 2.0. 2.0 -> 01, -2.0 -> 11, 0.5 -> 00 (0.25
    // rounds to 0), 3.0 -> 1.5 ties to 2, saturates to 1 -> 01. Byte 01'00'11'01b = 0x4D.
    Tile u = filled(0.0f);
    u[0] = 2.0f;
    u[1] = -2.0f;
    u[2] = 0.5f;
    u[3] = 3.0f;
    const auto b2 = encode(DataFormat::Bfp2_b, u, Rounding::host);
    ASSERT_EQ(b2.size(), 320u);
    EXPECT_EQ(b2[0], 128);
    EXPECT_EQ(b2[64], 0x4D);
    const Tile d = decode(DataFormat::Bfp2_b, b2);
    EXPECT_EQ(d[0], 2.0f);
    EXPECT_EQ(d[1], -2.0f);
    EXPECT_EQ(d[2], 0.0f);
    EXPECT_EQ(d[3], 2.0f);
}

TEST(BlockFloat, RepresentableValuesRoundTripExactly) {
    std::mt19937 gen(11);
    for (const auto& [fmt, mag_bits] :
         {std::pair{DataFormat::Bfp8_b, 7}, std::pair{DataFormat::Bfp4_b, 3},
          std::pair{DataFormat::Bfp2_b, 1}, std::pair{DataFormat::Bfp8, 7}}) {
        const bool exp_a = fmt == DataFormat::Bfp8;
        Tile t;
        for (int row = 0; row < 64; ++row) {
            // exp_a: from 7 up, so that even magnitude 1 (2^(shared-21)) is inside the 5-bit range.
            const int shared =
                exp_a ? 7 + static_cast<int>(gen() % 25) : 100 + static_cast<int>(gen() % 50);
            const int bias = exp_a ? 15 : 127;
            for (int i = 0; i < 16; ++i) {
                const int mag = static_cast<int>(gen() % (1u << mag_bits));
                const float v = std::ldexp(static_cast<float>(mag), shared - bias - (mag_bits - 1));
                t[row * 16 + i] = (gen() & 1) ? -v : v;
            }
        }
        for (Rounding r : {Rounding::host, Rounding::packer}) {
            Tile q = t;
            quantize_tile(fmt, q, r);
            for (int i = 0; i < 1024; ++i)
                ASSERT_EQ(q[i], t[i]) << tensim::data_format_name(fmt) << " datum " << i;
        }
    }
}

TEST(BlockFloat, ExpAVariantUsesFiveBitExponent) {
    Tile t = filled(0.0f);
    t[0] = 3.0f;   // biased 128 -> 5-bit 128-127+15 = 16; magnitude 96 * 2^(16-15-6)
    t[16] = 1e6f;  // beyond fp16 range: largest value 127 * 2^(31-15-6) = 130048
    t[17] = 1.0f;
    t[32] = 1e-6f;  // below the 5-bit range: zero
    const auto b = encode(DataFormat::Bfp8, t, Rounding::host);
    EXPECT_EQ(b[0], 16);
    EXPECT_EQ(b[1], 31);
    EXPECT_EQ(b[64], 0x60);
    const Tile d = decode(DataFormat::Bfp8, b);
    EXPECT_EQ(d[0], 3.0f);
    EXPECT_EQ(d[16], 130048.0f);
    EXPECT_EQ(d[17], 0.0f);  // 1.0 is 2^-16 of the row maximum: shifted out
    EXPECT_EQ(d[32], 0.0f);
}

// ---------------------------------------------------------------------------------------------
// Math fidelity

// a (SrcA) = 1.1000101b = 1 + 2^-1 + 2^-5 + 2^-7 (bf16 0x3FC5): A_hi = 1.1000b = 1.5 (hidden + bits
// 1-4), A_lo = bits 5-9 = 0.00001010b = 2^-5 + 2^-7.
// b (SrcB) = 1.0000011b = 1 + 2^-6 + 2^-7 (bf16 0x3F83): B_hi = 1.000001b = 1 + 2^-6 (hidden + bits
// 1-6), B_lo = bits 7-10 = 2^-7.
// phase 0 = A_hi*B_hi = 1.5 + 2^-6 + 2^-7
// phase 1 = A_lo*B_hi = 2^-5 + 2^-7 + 2^-11 + 2^-13
// phase 2 = A_hi*B_lo = 2^-7 + 2^-8
// phase 3 = A_lo*B_lo = 2^-12 + 2^-14
TEST(Fidelity, PhasesOfAKnownProduct) {
    const float a = from_bits(0x3FC50000), b = from_bits(0x3F830000);
    ASSERT_EQ(a, 1.0f + 0x1p-1f + 0x1p-5f + 0x1p-7f);
    ASSERT_EQ(b, 1.0f + 0x1p-6f + 0x1p-7f);
    const float lofi = 1.0f + 0x1p-1f + 0x1p-6f + 0x1p-7f;               // 0x3FC30000
    const float hifi2 = 1.0f + 0x1p-1f + 0x1p-4f + 0x1p-11f + 0x1p-13f;  // 0x3FC81400
    const float hifi3 = hifi2 + 0x1p-7f + 0x1p-8f;                       // 0x3FC99400
    const float hifi4 = hifi3 + 0x1p-12f + 0x1p-14f;                     // 0x3FC99E00
    EXPECT_EQ(bits(fidelity_mul(a, b, 1)), 0x3FC30000u);
    EXPECT_EQ(bits(fidelity_mul(a, b, 2)), 0x3FC81400u);
    EXPECT_EQ(bits(fidelity_mul(a, b, 3)), 0x3FC99400u);
    EXPECT_EQ(bits(fidelity_mul(a, b, 4)), 0x3FC99E00u);
    EXPECT_EQ(fidelity_mul(a, b, 1), lofi);
    EXPECT_EQ(fidelity_mul(a, b, 2), hifi2);
    EXPECT_EQ(fidelity_mul(a, b, 3), hifi3);
    EXPECT_EQ(fidelity_mul(a, b, 4), hifi4);
    EXPECT_EQ(fidelity_mul(a, b, 4), a * b);  // bf16 operands: HiFi4 is exact
    EXPECT_EQ(fidelity_mul(-a, b, 1), -lofi);
    // Swapping the operands changes which bits each phase sees: b as SrcA has A_hi = 1,
    // A_lo = 2^-6 + 2^-7; a as SrcB has B_hi = 1.5 + 2^-5, B_lo = 2^-7. LoFi = 1.5 + 2^-5.
    EXPECT_EQ(fidelity_mul(b, a, 1), 1.5f + 0x1p-5f);
    EXPECT_EQ(fidelity_phases(MathFidelity::LoFi), 1);
    EXPECT_EQ(fidelity_phases(MathFidelity::HiFi2), 2);
    EXPECT_EQ(fidelity_phases(MathFidelity::HiFi3), 3);
    EXPECT_EQ(fidelity_phases(MathFidelity::HiFi4), 4);
    EXPECT_THROW(fidelity_phases(MathFidelity::Invalid), std::invalid_argument);
    EXPECT_THROW(fidelity_mul(a, b, 0), std::invalid_argument);
}

TEST(Fidelity, Tf32OperandBits) {
    const float one_ulp = 1.0f + 0x1p-10f;  // TF32 mantissa bit 10 only
    // SrcA's 10th mantissa bit never reaches the multiplier, even at HiFi4.
    EXPECT_EQ(fidelity_mul(one_ulp, 1.0f, 4), 1.0f);
    // SrcB's bit 10 is in B_lo: phases 2 and 3 only.
    EXPECT_EQ(fidelity_mul(1.0f, one_ulp, 2), 1.0f);
    EXPECT_EQ(fidelity_mul(1.0f, one_ulp, 3), one_ulp);
    // Mantissa bits below TF32 are ignored.
    EXPECT_EQ(fidelity_mul(1.0f + 0x1p-20f, 1.0f + 0x1p-20f, 4), 1.0f);
}

TEST(Fidelity, SpecialValues) {
    const float inf = std::numeric_limits<float>::infinity();
    EXPECT_EQ(fidelity_mul(inf, 2.0f, 1), inf);
    EXPECT_EQ(fidelity_mul(-3.0f, inf, 4), -inf);
    EXPECT_TRUE(std::isnan(fidelity_mul(inf, 0.0f, 4)));
    EXPECT_TRUE(std::isnan(fidelity_mul(std::numeric_limits<float>::quiet_NaN(), 1.0f, 2)));
    EXPECT_EQ(fidelity_mul(0.0f, 5.0f, 4), 0.0f);
    EXPECT_EQ(fidelity_mul(1e-40f, 1e30f, 4), 0.0f);  // denormal operand flushed
    EXPECT_EQ(fidelity_mul(-2.0f, 3.0f, 1), -6.0f);
    EXPECT_EQ(fidelity_mul(0x1p100f, 0x1p100f, 1), inf);  // overflow
}

// Reference for matmul_tile's accumulation order, written the slow way: phase by phase (each
// phase's partial product is the difference of fidelity_mul with one more phase), K half by K half,
// rounding Dst after each.
void reference_matmul(const Tile& in0, const Tile& in1, Tile& dst, int phases, bool dst_fp32) {
    for (int p = 0; p < phases; ++p) {
        for (int kh = 0; kh < 2; ++kh) {
            for (int m = 0; m < 32; ++m) {
                for (int n = 0; n < 32; ++n) {
                    double s = 0.0;
                    for (int k = kh * 16; k < kh * 16 + 16; ++k) {
                        const float a = in1[tile_index(k, n)], b = in0[tile_index(m, k)];
                        s += static_cast<double>(fidelity_mul(a, b, p + 1)) -
                             (p == 0 ? 0.0 : static_cast<double>(fidelity_mul(a, b, p)));
                    }
                    float& d = dst[tile_index(m, n)];
                    const double sum = static_cast<double>(d) + s;
                    // fp32: the same single rounding as matmul_tile. bf16: rounding via float may
                    // differ by one bf16 ulp in rare double-rounding ties; callers allow for that.
                    d = round_to_dst(static_cast<float>(sum), dst_fp32);
                }
            }
        }
    }
}

double exact_dot(const Tile& in0, const Tile& in1, int m, int n, double* abs_sum) {
    double s = 0.0, as = 0.0;
    for (int k = 0; k < 32; ++k) {
        const double p = static_cast<double>(in0[tile_index(m, k)]) * in1[tile_index(k, n)];
        s += p;
        as += std::fabs(p);
    }
    if (abs_sum) *abs_sum = as;
    return s;
}

// Max over the tile of |dst - exact| / sum_k |a_k b_k|.
double max_rel_error(const Tile& in0, const Tile& in1, const Tile& dst) {
    double worst = 0.0;
    for (int m = 0; m < 32; ++m) {
        for (int n = 0; n < 32; ++n) {
            double scale;
            const double exact = exact_dot(in0, in1, m, n, &scale);
            worst = std::max(worst, std::fabs(dst[tile_index(m, n)] - exact) / scale);
        }
    }
    return worst;
}

TEST(Matmul, MatchesPhaseByPhaseReference) {
    std::mt19937 gen(3);
    const Tile in0 = random_bf16_tile(gen), in1 = random_bf16_tile(gen);
    for (int phases = 1; phases <= 4; ++phases) {
        Tile got = filled(0.25f), want = filled(0.25f);
        matmul_tile(in0, in1, got, phases, true, false);
        reference_matmul(in0, in1, want, phases, true);
        for (int i = 0; i < 1024; ++i)
            ASSERT_EQ(got[i], want[i]) << "phases " << phases << " datum " << i;
    }
    // bf16 Dst: the reference rounds through float first (double rounding possible in rare ties).
    Tile got = filled(0.0f), want = filled(0.0f);
    matmul_tile(in0, in1, got, 4, false, false);
    reference_matmul(in0, in1, want, 4, false);
    for (int i = 0; i < 1024; ++i) {
        EXPECT_EQ(got[i], round_to_bf16(got[i]));
        EXPECT_NEAR(got[i], want[i], std::fabs(want[i]) * 0x1p-7f) << "datum " << i;
    }
}

TEST(Matmul, TransposeIn1) {
    std::mt19937 gen(5);
    const Tile in0 = random_bf16_tile(gen), in1 = random_bf16_tile(gen);
    Tile in1_t;
    for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) in1_t[tile_index(c, r)] = in1[tile_index(r, c)];
    }
    Tile a = filled(0.0f), b = filled(0.0f);
    matmul_tile(in0, in1_t, a, 2, true, true);
    matmul_tile(in0, in1, b, 2, true, false);
    EXPECT_EQ(a, b);
}

TEST(Matmul, AccuracyByFidelityAndDstFormat) {
    std::mt19937 gen(9);
    const Tile in0 = random_bf16_tile(gen), in1 = random_bf16_tile(gen);
    Tile hifi4 = filled(0.0f), lofi = filled(0.0f), hifi4_bf16 = filled(0.0f);
    matmul_tile(in0, in1, hifi4, 4, true, false);
    matmul_tile(in0, in1, lofi, 1, true, false);
    matmul_tile(in0, in1, hifi4_bf16, 4, false, false);
    const double e_hifi4 = max_rel_error(in0, in1, hifi4);
    const double e_lofi = max_rel_error(in0, in1, lofi);
    const double e_bf16 = max_rel_error(in0, in1, hifi4_bf16);
    // HiFi4 on bf16 inputs: products exact, 8 fp32 roundings of Dst -> at most 8 * 2^-24.
    EXPECT_LT(e_hifi4, 1e-6);
    EXPECT_GT(e_lofi, 10 * e_hifi4);
    EXPECT_GT(e_lofi, 1e-3);  // LoFi drops up to 3 bits of A and 1 bit of B
    EXPECT_GT(e_bf16, 10 * e_hifi4);
    std::cout << "max error / sum|ab|: HiFi4 fp32 Dst " << e_hifi4 << ", LoFi fp32 Dst " << e_lofi
              << ", HiFi4 bf16 Dst " << e_bf16 << "\n";
}

TEST(Matmul, InfinityTakesTheScalarPath) {
    Tile in0 = filled(1.0f), in1 = filled(1.0f), dst = filled(0.0f);
    in0[tile_index(3, 7)] = std::numeric_limits<float>::infinity();
    matmul_tile(in0, in1, dst, 4, true, false);
    EXPECT_EQ(dst[tile_index(3, 0)], std::numeric_limits<float>::infinity());
    EXPECT_EQ(dst[tile_index(4, 0)], 32.0f);
}

// ---------------------------------------------------------------------------------------------
// Eltwise

TEST(Eltwise, AddSubMulAndAccumulate) {
    const Tile a = filled(1.0f), tiny = filled(0x1p-9f);
    Tile d = filled(0.0f);
    eltwise_tile(EltwiseOp::add, a, tiny, d, 1, true, false);
    EXPECT_EQ(d[0], 1.0f + 0x1p-9f);
    eltwise_tile(EltwiseOp::add, a, tiny, d, 1, false, false);
    EXPECT_EQ(d[0], 1.0f);  // bf16 Dst: 2^-9 is below half an ulp (2^-8) of 1.0
    eltwise_tile(EltwiseOp::sub, a, tiny, d, 1, true, false);
    EXPECT_EQ(d[0], 1.0f - 0x1p-9f);

    const Tile x = filled(from_bits(0x3FC50000)), y = filled(from_bits(0x3F830000));
    eltwise_tile(EltwiseOp::mul, x, y, d, 1, true, false);
    EXPECT_EQ(bits(d[5]), 0x3FC30000u);  // LoFi product from PhasesOfAKnownProduct
    eltwise_tile(EltwiseOp::mul, x, y, d, 4, true, true);
    EXPECT_EQ(d[5], 1.5234375f + 1.57513427734375f);
    // bf16 Dst, HiFi4: 1.57513427734375 = 1.1001001 1110b: the dropped part 0x9E00 > 0x8000 of
    // the pattern 0x3FC99E00 -> rounds up to 0x3FCA.
    eltwise_tile(EltwiseOp::mul, x, y, d, 4, false, false);
    EXPECT_EQ(bits(d[5]), 0x3FCA0000u);
}

TEST(Dst, RoundToDst) {
    EXPECT_EQ(round_to_dst(from_bits(0x3F818000), false), from_bits(0x3F820000));
    EXPECT_EQ(round_to_dst(from_bits(0x3F818000), true), from_bits(0x3F818000));
}

// Fpu::datacopy rounds a tile for a 16-bit Dst with quantize_tile: bit for bit round_to_dst.
TEST(Dst, TileBf16RoundTripIsRoundToDst) {
    const Tile t = bf16_rounding_cases(7);
    Tile q = t;
    quantize_tile(DataFormat::Float16_b, q, Rounding::host);
    for (int i = 0; i < 1024; ++i)
        ASSERT_EQ(bits(q[i]), bits(round_to_dst(t[i], false)))
            << "datum " << i << " bits " << std::hex << bits(t[i]);
}

// ---------------------------------------------------------------------------------------------
// Host helpers

TEST(HostBfp, PackMatchesEncodeTileAndRoundTrips) {
    std::mt19937 gen(13);
    std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
    std::vector<float> tiled(2048);
    for (float& x : tiled) x = dist(gen);
    for (bool exp_a : {false, true}) {
        const DataFormat f8 = exp_a ? DataFormat::Bfp8 : DataFormat::Bfp8_b;
        const DataFormat f4 = exp_a ? DataFormat::Bfp4 : DataFormat::Bfp4_b;
        const auto p8 = pack_fp32_vec_as_bfp8_tiles(tiled, false, exp_a);
        const auto p4 = pack_fp32_vec_as_bfp4_tiles(tiled, false, exp_a);
        ASSERT_EQ(p8.size(), 2u * 1088 / 4);
        ASSERT_EQ(p4.size(), 2u * 576 / 4);
        for (int n = 0; n < 2; ++n) {
            Tile t;
            std::copy(tiled.begin() + n * 1024, tiled.begin() + (n + 1) * 1024, t.begin());
            const auto e8 = encode(f8, t, Rounding::host);
            const auto e4 = encode(f4, t, Rounding::host);
            EXPECT_EQ(std::memcmp(e8.data(), reinterpret_cast<const uint8_t*>(p8.data()) + n * 1088,
                                  1088),
                      0);
            EXPECT_EQ(
                std::memcmp(e4.data(), reinterpret_cast<const uint8_t*>(p4.data()) + n * 576, 576),
                0);
        }
        // Unpacking gives the quantized values; packing those again gives the same bytes.
        const auto u8 = unpack_bfp8_tiles_into_float_vec(p8, false, exp_a);
        EXPECT_EQ(pack_fp32_vec_as_bfp8_tiles(u8, false, exp_a), p8);
        const auto u4 = unpack_bfp4_tiles_into_float_vec(p4, false, exp_a);
        EXPECT_EQ(pack_fp32_vec_as_bfp4_tiles(u4, false, exp_a), p4);
        for (int i = 0; i < 2048; ++i) EXPECT_NEAR(u8[i], tiled[i], 8.0 / 64) << i;
    }
}

TEST(HostBfp, RowMajorConvertsToFaceOrder) {
    // One row-major tile with value (c + 1) * 2^r at (r, c); packing row-major equals packing the
    // face-ordered copy, and unpacking row-major gives the row-major values back (exact: in a
    // 16-datum row the magnitudes c + 1 need at most 6 bits).
    std::vector<float> row_major(1024), faces(1024);
    for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) {
            row_major[r * 32 + c] = std::ldexp(static_cast<float>(c + 1), r);
            faces[tile_index(r, c)] = row_major[r * 32 + c];
        }
    }
    const auto a = pack_fp32_vec_as_bfp8_tiles(row_major, true, false);
    const auto b = pack_fp32_vec_as_bfp8_tiles(std::span<const float>(faces), false, false);
    EXPECT_EQ(a, b);
    EXPECT_EQ(unpack_bfp8_tiles_into_float_vec(a, true, false), row_major);
    EXPECT_EQ(unpack_bfp8_tiles_into_float_vec(a, false, false), faces);
}

TEST(HostBfp, ErrorsAndConstants) {
    EXPECT_THROW(pack_fp32_vec_as_bfp8_tiles(std::vector<float>(1000), false, false),
                 std::invalid_argument);
    EXPECT_THROW(unpack_bfp4_tiles_into_float_vec(std::vector<uint32_t>(100), false, false),
                 std::invalid_argument);
    EXPECT_THROW(pack_fp32_vec_as_bfp8_tiles(std::vector<float>(1024), false, false,
                                             tt::tt_metal::Tile({16, 32})),
                 std::invalid_argument);
    EXPECT_NO_THROW(
        pack_fp32_vec_as_bfp8_tiles(std::vector<float>(1024), false, false, tt::tt_metal::Tile()));
    // 1.0 everywhere: exponent 127, magnitude 64 (1.0 = 64 * 2^(127-133)).
    const auto c = create_constant_vector_of_bfp8(1088, 1.0f, false);
    ASSERT_EQ(c.size(), 272u);
    EXPECT_EQ(c[0], 0x7F7F7F7Fu);
    EXPECT_EQ(c[16], 0x40404040u);
    const auto r = unpack_bfp8_tiles_into_float_vec(
        create_random_vector_of_bfp8(2176, false, 2, 1, -1.0f), false, false);
    ASSERT_EQ(r.size(), 2048u);
    for (float x : r) EXPECT_TRUE(x >= -1.0f && x <= 1.0f) << x;
}

}  // namespace

namespace {

// The fast tile GEMM (vectorised per instruction set) against a plain triple loop in double:
// accumulation into what Dst holds, element positions in tile order, and the transposed in1.
TEST(FastMatmul, MatchesPlainLoopsInTileOrder) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Tile a, b, d0;
    for (int i = 0; i < 1024; ++i) a[i] = u(rng), b[i] = u(rng), d0[i] = u(rng);
    auto check = [&](const Tile& d, bool transpose, const char* isa) {
        for (int r = 0; r < 32; ++r)
            for (int c = 0; c < 32; ++c) {
                double want = d0[tile_index(r, c)];
                for (int k = 0; k < 32; ++k)
                    want += double(a[tile_index(r, k)]) *
                            (transpose ? b[tile_index(c, k)] : b[tile_index(k, c)]);
                ASSERT_NEAR(d[tile_index(r, c)], want, 1e-4)
                    << isa << " row " << r << " col " << c << " transpose " << transpose;
            }
    };
    for (bool transpose : {false, true}) {
        Tile d = d0;
        matmul_tile_fp32(a, b, d, transpose);
        check(d, transpose, "dispatched");
    }
    for (const GemmTileVariant& v : gemm_tile_variants()) {
        Tile d = d0;
        v.fn(a.data(), b.data(), d.data());
        check(d, false, v.isa);
    }
}

}  // namespace
