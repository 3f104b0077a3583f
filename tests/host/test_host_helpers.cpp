// Unit tests for the host-side helpers: data formats, bfloat16, tilize, core coordinates and
// work splitting. Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <tt-metalium/base_types.hpp>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/core_coord.hpp>
#include <tt-metalium/tilize_utils.hpp>
#include <tt-metalium/tt_backend_api_types.hpp>
#include <tt-metalium/work_split.hpp>

namespace {

float from_bits(uint32_t bits) { return std::bit_cast<float>(bits); }

template <typename F>
std::string thrown_message(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<no exception>";
}

// ---------------------------------------------------------------------------------------------
// Data formats

TEST(DataFormat, TileSizes) {
    using tt::DataFormat;
    EXPECT_EQ(tt::tile_size(DataFormat::Float32), 4096u);
    EXPECT_EQ(tt::tile_size(DataFormat::Int32), 4096u);
    EXPECT_EQ(tt::tile_size(DataFormat::UInt32), 4096u);
    EXPECT_EQ(tt::tile_size(DataFormat::Float16), 2048u);
    EXPECT_EQ(tt::tile_size(DataFormat::Float16_b), 2048u);
    EXPECT_EQ(tt::tile_size(DataFormat::UInt16), 2048u);
    // 1024 one-byte mantissas + 64 shared exponents; 4-bit: 512 + 64; 2-bit: 256 + 64.
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp8), 1088u);
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp8_b), 1088u);
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp4), 576u);
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp4_b), 576u);
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp2), 320u);
    EXPECT_EQ(tt::tile_size(DataFormat::Bfp2_b), 320u);
    EXPECT_EQ(tt::tile_size(DataFormat::Int8), 1024u);
    EXPECT_EQ(tt::tile_size(DataFormat::UInt8), 1024u);
    EXPECT_EQ(tt::tile_size(DataFormat::Lf8), 1024u);
    EXPECT_EQ(tt::tile_size(DataFormat::Fp8_e4m3), 1024u);
    EXPECT_EQ(tt::tt_metal::detail::TileSize(DataFormat::Float16_b), 2048u);
    EXPECT_THROW(tt::tile_size(DataFormat::Invalid), std::invalid_argument);
}

TEST(DataFormat, DatumSizes) {
    using tt::DataFormat;
    EXPECT_EQ(tt::datum_size(DataFormat::Float32), 4u);
    EXPECT_EQ(tt::datum_size(DataFormat::Float16_b), 2u);
    EXPECT_EQ(tt::datum_size(DataFormat::UInt8), 1u);
    EXPECT_THROW(tt::datum_size(DataFormat::Bfp8_b), std::invalid_argument);
    EXPECT_THROW(tt::datum_size(DataFormat::Bfp4), std::invalid_argument);
    EXPECT_THROW(tt::datum_size(DataFormat::Bfp2_b), std::invalid_argument);
}

TEST(DataFormat, EncodingsMatchHardware) {
    EXPECT_EQ(static_cast<int>(tt::DataFormat::Float16_b), 5);
    EXPECT_EQ(static_cast<int>(tt::DataFormat::Bfp8_b), 6);
    EXPECT_EQ(static_cast<int>(tt::DataFormat::UInt32), 24);
    EXPECT_EQ(static_cast<int>(tt::DataFormat::Fp8_e4m3), 26);
    EXPECT_EQ(static_cast<int>(tt::DataFormat::RawUInt16), 0xf1);
    EXPECT_EQ(static_cast<int>(MathFidelity::HiFi4), 4);
    EXPECT_EQ(static_cast<int>(UnpackToDestMode::Default), 1);
}

TEST(DataFormat, NamesAndParsing) {
    using tt::DataFormat;
    std::ostringstream os;
    os << DataFormat::Float16_b << " " << DataFormat::Bfp8_b << " " << MathFidelity::HiFi2;
    EXPECT_EQ(os.str(), "Float16_b Bfp8_b HiFi2");
    EXPECT_EQ(tensim::parse_data_format("bfloat16"), DataFormat::Float16_b);
    EXPECT_EQ(tensim::parse_data_format("float16_b"), DataFormat::Float16_b);
    EXPECT_EQ(tensim::parse_data_format("Float16"), DataFormat::Float16);
    EXPECT_EQ(tensim::parse_data_format("bfloat8_b"), DataFormat::Bfp8_b);
    EXPECT_EQ(tensim::parse_data_format("BFP8_B"), DataFormat::Bfp8_b);
    EXPECT_EQ(tensim::parse_data_format("float32"), DataFormat::Float32);
    EXPECT_EQ(tensim::parse_data_format("uint32"), DataFormat::UInt32);
    EXPECT_EQ(tensim::parse_data_format("tt::DataFormat::Bfp4_b"), DataFormat::Bfp4_b);
    // Every enumerator name parses back to itself.
    for (auto f : {DataFormat::Float32, DataFormat::Bfp2, DataFormat::Int8, DataFormat::Fp8_e4m3,
                   DataFormat::RawUInt32, DataFormat::Lf8}) {
        EXPECT_EQ(tensim::parse_data_format(tensim::data_format_name(f)), f);
    }
    EXPECT_NE(thrown_message([] { tensim::parse_data_format("bfloat17"); }).find("'bfloat17'"),
              std::string::npos);
}

TEST(Constants, TileGeometry) {
    EXPECT_EQ(tt::constants::TILE_HW, 1024u);
    EXPECT_EQ(tt::constants::FACE_HW, 256u);
    EXPECT_EQ(tt::constants::TILE_HEIGHT / tt::constants::FACE_HEIGHT, 2u);
}

// ---------------------------------------------------------------------------------------------
// bfloat16

TEST(Bfloat16, RoundToNearestEven) {
    // 1 + 2^-8 is 0x3F808000: exactly half way between 0x3F80 and 0x3F81; the even one wins.
    EXPECT_EQ(bfloat16(from_bits(0x3F808000)).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(1.0f + std::ldexp(1.0f, -8)).to_uint16(), 0x3F80);
    // 1 + 3 * 2^-9 is 0x3F80C000: past half way, rounds up.
    EXPECT_EQ(bfloat16(1.0f + 3.0f * std::ldexp(1.0f, -9)).to_uint16(), 0x3F81);
    // 0x3F818000 is half way with an odd kept bit: rounds up to the even 0x3F82.
    EXPECT_EQ(bfloat16(from_bits(0x3F818000)).to_uint16(), 0x3F82);
    // Just below half way rounds down.
    EXPECT_EQ(bfloat16(from_bits(0x3F807FFF)).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(-(1.0f + 3.0f * std::ldexp(1.0f, -9))).to_uint16(), 0xBF81);
    // FLT_MAX rounds up into infinity.
    EXPECT_EQ(bfloat16(std::numeric_limits<float>::max()).to_uint16(), 0x7F80);
    EXPECT_EQ(bfloat16(1.0f).to_float(), 1.0f);
    EXPECT_EQ(bfloat16(-2.5f).to_packed(), 0xC020);
}

TEST(Bfloat16, TruncateVersusRound) {
    EXPECT_EQ(bfloat16::truncate(from_bits(0x3F80C000)).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(from_bits(0x3F80C000)).to_uint16(), 0x3F81);
    EXPECT_EQ(bfloat16::truncate(from_bits(0x3F81FFFF)).to_uint16(), 0x3F81);
    EXPECT_EQ(bfloat16::truncate(std::numeric_limits<float>::max()).to_uint16(), 0x7F7F);
}

TEST(Bfloat16, NaNStaysNaN) {
    EXPECT_TRUE(std::isnan(bfloat16(std::numeric_limits<float>::quiet_NaN()).to_float()));
    // A NaN whose payload is only in the low half must not become infinity.
    EXPECT_EQ(bfloat16(from_bits(0x7F800001)).to_uint16(), 0x7FC0);
    EXPECT_EQ(bfloat16::truncate(from_bits(0x7F800001)).to_uint16(), 0x7FC0);
    EXPECT_EQ(bfloat16(from_bits(0xFFFFFFFF)).to_uint16(), 0xFFFF);
    EXPECT_TRUE(std::isinf(bfloat16(std::numeric_limits<float>::infinity()).to_float()));
}

TEST(Bfloat16, ConstructionFromOtherTypes) {
    // uint16_t keeps the bits; every other arithmetic type converts the value.
    EXPECT_EQ(bfloat16(static_cast<uint16_t>(0x3F80)).to_float(), 1.0f);
    EXPECT_EQ(bfloat16(1).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(3u).to_uint16(), 0x4040);
    EXPECT_EQ(bfloat16(2.5).to_uint16(), 0x4020);
    // 1 + 2^-8 + 2^-30 is just above a bf16 midpoint, but rounds to exactly the midpoint as a
    // float; a naive double->float->bf16 conversion would then round down.
    EXPECT_EQ(bfloat16(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)).to_uint16(), 0x3F81);
    EXPECT_EQ(bfloat16(-(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30))).to_uint16(), 0xBF81);
    EXPECT_EQ(bfloat16(1.0 + std::ldexp(1.0, -8)).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(1e300).to_uint16(), 0x7F80);
    EXPECT_EQ(bfloat16().to_uint16(), 0x0000);
}

TEST(Bfloat16, ArithmeticAndComparison) {
    const bfloat16 one(1.0f), tiny(std::ldexp(1.0f, -8));
    // 1 + 2^-8 is exact in float and ties back down to 1.0 in bf16.
    EXPECT_EQ((one + tiny).to_uint16(), 0x3F80);
    EXPECT_EQ(bfloat16(3.0f) * bfloat16(0.5f), bfloat16(1.5f));
    EXPECT_EQ(bfloat16(3.0f) - bfloat16(0.5f), bfloat16(2.5f));
    // 1/3 = 0x3EAAAAAB in float -> 0x3EAB after rounding.
    EXPECT_EQ((bfloat16(1.0f) / bfloat16(3.0f)).to_uint16(), 0x3EAB);
    EXPECT_EQ((-bfloat16(2.0f)).to_uint16(), 0xC000);
    bfloat16 acc(1.0f);
    acc += bfloat16(2.0f);
    acc *= bfloat16(2.0f);
    EXPECT_EQ(acc.to_float(), 6.0f);
    // Mixed with plain numbers: computed and returned in float.
    const float mixed = bfloat16(1.5f) + 1.0f;
    EXPECT_EQ(mixed, 2.5f);
    EXPECT_EQ(2 * bfloat16(1.5f), 3.0f);
    EXPECT_TRUE(bfloat16(1.0f) == 1.0f);
    EXPECT_TRUE(1.0f == bfloat16(1.0f));
    EXPECT_TRUE(bfloat16(1.0f) != bfloat16(2.0f));
    EXPECT_TRUE(bfloat16(1.0f) < bfloat16(2.0f));
    EXPECT_TRUE(bfloat16(1.0f) < 2.0f);
    // bf16 == bf16 compares bit patterns.
    EXPECT_FALSE(bfloat16(0.0f) == bfloat16(-0.0f));
    const float as_float = bfloat16(0.5f);
    EXPECT_EQ(as_float, 0.5f);
    std::ostringstream os;
    os << bfloat16(1.5f);
    EXPECT_EQ(os.str(), "1.5");
}

TEST(Bfloat16, PackingOrder) {
    // The first element sits in the low half of the word.
    EXPECT_EQ(pack_two_bfloat16_into_uint32({bfloat16(1.0f), bfloat16(2.0f)}), 0x40003F80u);
    const auto [lo, hi] = unpack_two_bfloat16_from_uint32(0x40003F80u);
    EXPECT_EQ(lo.to_float(), 1.0f);
    EXPECT_EQ(hi.to_float(), 2.0f);
    const std::vector<bfloat16> v{bfloat16(1.0f), bfloat16(2.0f), bfloat16(-1.0f), bfloat16(0.5f)};
    const auto packed = pack_bfloat16_vec_into_uint32_vec(v);
    ASSERT_EQ(packed.size(), 2u);
    EXPECT_EQ(packed[0], 0x40003F80u);
    EXPECT_EQ(packed[1], 0x3F00BF80u);
    EXPECT_EQ(unpack_uint32_vec_into_bfloat16_vec(packed), v);
    EXPECT_THROW(pack_bfloat16_vec_into_uint32_vec({bfloat16(1.0f)}), std::invalid_argument);
}

TEST(Bfloat16, ConstantVector) {
    const auto v = create_constant_vector_of_bfloat16(16, 1.0f);
    ASSERT_EQ(v.size(), 4u);
    for (uint32_t w : v) EXPECT_EQ(w, 0x3F803F80u);
}

TEST(Bfloat16, RandomVectorsAreDeterministic) {
    const auto a = create_random_vector_of_bfloat16(4096, 10, 42, -5.0f);
    const auto b = create_random_vector_of_bfloat16(4096, 10, 42, -5.0f);
    const auto c = create_random_vector_of_bfloat16(4096, 10, 43, -5.0f);
    ASSERT_EQ(a.size(), 1024u);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    const auto values = unpack_uint32_vec_into_bfloat16_vec(a);
    float lo = 1e9f, hi = -1e9f;
    for (auto x : values) {
        lo = std::min(lo, x.to_float());
        hi = std::max(hi, x.to_float());
    }
    EXPECT_GE(lo, -5.0f);
    EXPECT_LE(hi, 5.0f);
    EXPECT_LT(lo, -4.0f);  // 2048 draws cover the range
    EXPECT_GT(hi, 4.0f);

    // The first draw of mt19937(42) lands in the low half of word 0, the second in the high half.
    std::mt19937 gen(42);
    std::uniform_real_distribution<float> dist(0.0f, 10.0f);
    const float first = dist(gen) - 5.0f;
    const float second = dist(gen) - 5.0f;
    EXPECT_EQ(a[0] & 0xffffu, bfloat16(first).to_uint16());
    EXPECT_EQ(a[0] >> 16, bfloat16(second).to_uint16());

    // The native variant draws the same sequence.
    const auto native = create_random_vector_of_bfloat16_native(4096, 10.0f, 42, -5.0f);
    EXPECT_EQ(native, values);
}

TEST(Bfloat16, Tolerances) {
    EXPECT_TRUE(is_close(1.0f, 1.005f));
    EXPECT_FALSE(is_close(1.0f, 1.02f));
    EXPECT_TRUE(is_close(0.0f, 0.0005f));
    EXPECT_FALSE(is_close(0.0f, 0.002f));
    EXPECT_TRUE(equal_within_n_sig_figs(1.2345f, 1.2349f, 3));
    EXPECT_FALSE(equal_within_n_sig_figs(1.23f, 1.24f, 3));
    EXPECT_TRUE(equal_within_n_sig_figs(100.0f, 101.0f, 2));
    EXPECT_FALSE(equal_within_n_sig_figs(100.0f, 101.0f, 3));
    EXPECT_TRUE(equal_within_n_sig_figs(-3.0f, -3.0f, 5));
    int fail = -2;
    const std::vector<uint32_t> x{0x40003F80u, 0x3F803F80u}, y{0x40003F80u, 0x40003F80u};
    EXPECT_TRUE(packed_uint32_t_vector_comparison(
        x, x, [](float a, float b) { return a == b; }, &fail));
    EXPECT_FALSE(packed_uint32_t_vector_comparison(
        x, y, [](float a, float b) { return a == b; }, &fail));
    EXPECT_EQ(fail, 3);
}

TEST(Bfloat16, Pcc) {
    auto bf = [](std::initializer_list<float> xs) {
        std::vector<bfloat16> v;
        for (float x : xs) v.emplace_back(x);
        return v;
    };
    EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(bf({2, 2, 2}), bf({2, 2, 2})), 1.0f);
    EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(bf({1, 2, 3, 4}), bf({2, 4, 6, 8})), 1.0f);
    EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(bf({1, 2, 3, 4}), bf({4, 3, 2, 1})), -1.0f);
    // deviations (-1,0,1) and (-1,1,0): covariance 1, variances 2 and 2 -> 0.5.
    EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(bf({1, 2, 3}), bf({1, 3, 2})), 0.5f);
    EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(bf({2, 2, 2}), bf({1, 2, 3})), 0.0f);
    EXPECT_THROW(check_bfloat16_vector_pcc(bf({1}), bf({1, 2})), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Tilize

std::vector<uint32_t> iota_matrix(uint32_t m, uint32_t n) {
    std::vector<uint32_t> v(static_cast<std::size_t>(m) * n);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint32_t>(i);
    return v;
}

TEST(Tilize, FacesOf32x64) {
    const auto rm = iota_matrix(32, 64);
    const auto tiled = tilize_nfaces(rm, 32, 64);
    ASSERT_EQ(tiled.size(), 2048u);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 64; ++c) {
            const uint32_t pos =
                (c / 32) * 1024 + ((r / 16) * 2 + (c % 32) / 16) * 256 + (r % 16) * 16 + c % 16;
            ASSERT_EQ(tiled[pos], r * 64 + c) << "r=" << r << " c=" << c;
        }
    }
    // Spot checks worked by hand.
    EXPECT_EQ(tiled[16], 64u);              // face 0, row 1, col 0 is element (1, 0)
    EXPECT_EQ(tiled[256], 16u);             // face 1 starts at element (0, 16)
    EXPECT_EQ(tiled[512], 1024u);           // face 2 starts at element (16, 0)
    EXPECT_EQ(tiled[1024], 32u);            // tile 1 starts at element (0, 32)
    EXPECT_EQ(tiled[1560], 17u * 64 + 40);  // (17, 40): tile 1, face 2, row 1, col 8
    EXPECT_EQ(tiled[2047], 2047u);          // (31, 63) is last in both layouts
    EXPECT_EQ(untilize_nfaces(tiled, 32, 64), rm);
}

TEST(Tilize, TileOrderIsRowMajor) {
    const auto rm = iota_matrix(64, 64);
    const auto tiled = tilize_nfaces(rm, 64, 64);
    EXPECT_EQ(tiled[1 * 1024], 32u);       // tile 1 = rows 0-31, cols 32-63
    EXPECT_EQ(tiled[2 * 1024], 32u * 64);  // tile 2 = rows 32-63, cols 0-31
    auto inplace = rm;
    tilize(inplace, 64, 64);
    EXPECT_EQ(inplace, tiled);
    untilize(inplace, 64, 64);
    EXPECT_EQ(inplace, rm);
}

TEST(Tilize, Swizzled) {
    const auto rm = iota_matrix(32, 64);
    const auto tiled = tilize_swizzled(rm, 32, 64);
    EXPECT_EQ(tiled[16], 16u);              // no faces: row 0 continues to col 16
    EXPECT_EQ(tiled[1576], 17u * 64 + 40);  // (17, 40): tile 1, 17 * 32 + 8
    EXPECT_EQ(untilize_swizzled(tiled, 32, 64), rm);
}

TEST(Tilize, BadShapes) {
    EXPECT_THROW(tilize_nfaces(iota_matrix(30, 32), 30, 32), std::invalid_argument);
    EXPECT_THROW(tilize_nfaces(iota_matrix(32, 32), 32, 64), std::invalid_argument);
    EXPECT_THROW(untilize_nfaces(iota_matrix(32, 48), 32, 48), std::invalid_argument);
    const std::vector<bfloat16> bf(1024, bfloat16(1.0f));
    EXPECT_EQ(tilize_nfaces(bf, 32, 32), bf);
}

// ---------------------------------------------------------------------------------------------
// Core coordinates

TEST(CoreCoord, OrderAndPrinting) {
    EXPECT_TRUE(CoreCoord(0, 5) < CoreCoord(1, 0));  // x first
    EXPECT_TRUE(CoreCoord(1, 0) < CoreCoord(1, 2));
    EXPECT_EQ(CoreCoord(3, 4), CoreCoord(3, 4));
    EXPECT_EQ(CoreCoord(3, 4).str(), "(x=3,y=4)");
    std::ostringstream os;
    os << CoreCoord{1, 2};
    EXPECT_EQ(os.str(), "(x=1,y=2)");
}

TEST(CoreRange, IteratesRowMajor) {
    const CoreRange r({1, 2}, {2, 3});
    std::vector<CoreCoord> seen(r.begin(), r.end());
    const std::vector<CoreCoord> expected{{1, 2}, {2, 2}, {1, 3}, {2, 3}};
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(r.size(), 4u);
    EXPECT_EQ(r.grid_size(), CoreCoord(2, 2));
    std::size_t n = 0, sum_x = 0;
    for (const CoreCoord& c : CoreRange({0, 0}, {7, 7})) {
        ++n;
        sum_x += c.x;
    }
    EXPECT_EQ(n, 64u);
    EXPECT_EQ(sum_x, 8u * 28);  // each of 8 rows visits x = 0..7
    EXPECT_EQ(CoreRange({4, 4}).size(), 1u);
    EXPECT_EQ(r.str(), "[(x=1,y=2) - (x=2,y=3)]");
}

TEST(CoreRange, ContainsIntersectsMerge) {
    const CoreRange r({1, 2}, {2, 3});
    EXPECT_TRUE(r.contains(CoreCoord(2, 3)));
    EXPECT_FALSE(r.contains(CoreCoord(3, 3)));
    EXPECT_FALSE(r.contains(CoreCoord(1, 1)));
    EXPECT_TRUE(r.contains(CoreRange({1, 3}, {2, 3})));
    EXPECT_FALSE(r.contains(CoreRange({1, 3}, {3, 3})));
    EXPECT_TRUE(r.intersects(CoreRange({2, 3}, {5, 5})));
    EXPECT_FALSE(r.intersects(CoreRange({3, 0}, {4, 4})));
    EXPECT_EQ(r.intersection(CoreRange({2, 0}, {5, 2})), CoreRange({2, 2}, {2, 2}));
    EXPECT_FALSE(r.intersection(CoreRange({3, 0}, {4, 4})).has_value());
    EXPECT_TRUE(r.adjacent(CoreRange({3, 3}, {4, 4})));
    EXPECT_FALSE(r.adjacent(CoreRange({3, 4}, {4, 4})));  // corner only

    EXPECT_EQ(r.merge(CoreRange({3, 2}, {3, 3})), CoreRange({1, 2}, {3, 3}));  // side by side
    EXPECT_EQ(r.merge(CoreRange({1, 4}, {2, 6})), CoreRange({1, 2}, {2, 6}));  // stacked
    EXPECT_EQ(r.merge(CoreRange({1, 2}, {1, 2})), r);                          // contained
    EXPECT_FALSE(r.merge(CoreRange({3, 2}, {3, 2})).has_value());              // L shape
    EXPECT_FALSE(r.merge(CoreRange({5, 5})).has_value());                      // disjoint
}

TEST(CoreRange, RejectsReversedCorners) {
    EXPECT_THROW(CoreRange({2, 0}, {1, 0}), std::invalid_argument);
    EXPECT_THROW(CoreRange({0, 2}, {0, 1}), std::invalid_argument);
}

TEST(CoreRangeSet, OverlapIsAnError) {
    const std::string msg = thrown_message([] {
        CoreRangeSet s(
            std::vector<CoreRange>{CoreRange({0, 0}, {2, 2}), CoreRange({2, 2}, {3, 3})});
    });
    EXPECT_NE(msg.find("[(x=0,y=0) - (x=2,y=2)]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[(x=2,y=2) - (x=3,y=3)]"), std::string::npos) << msg;
    EXPECT_THROW(
        CoreRangeSet(std::set<CoreRange>{CoreRange({0, 0}, {1, 1}), CoreRange({1, 0}, {1, 0})}),
        std::invalid_argument);
    EXPECT_NO_THROW(CoreRangeSet({CoreRange({0, 0}, {1, 1}), CoreRange({2, 0}, {2, 1})}));
}

TEST(CoreRangeSet, Queries) {
    const CoreRangeSet s({CoreRange({0, 0}, {1, 1}), CoreRange({2, 0}, {3, 1}), CoreRange({5, 5})});
    EXPECT_EQ(s.size(), 3u);
    EXPECT_EQ(s.num_cores(), 9u);
    EXPECT_EQ(s.bounding_box(), CoreRange({0, 0}, {5, 5}));
    EXPECT_TRUE(s.contains(CoreCoord(3, 1)));
    EXPECT_FALSE(s.contains(CoreCoord(4, 1)));
    EXPECT_TRUE(s.contains(CoreRange({1, 0}, {2, 1})));  // spans two ranges
    EXPECT_FALSE(s.contains(CoreRange({3, 0}, {4, 0})));
    EXPECT_TRUE(s.intersects(CoreRange({4, 4}, {6, 6})));
    EXPECT_FALSE(s.intersects(CoreRange({4, 0}, {4, 4})));
    EXPECT_TRUE(s.contains(CoreRangeSet(CoreRange({1, 1}, {3, 1}))));
    EXPECT_EQ(s.ranges().front(), CoreRange({0, 0}, {1, 1}));  // given order is kept
    EXPECT_EQ(s.str(),
              "{[(x=0,y=0) - (x=1,y=1)], [(x=2,y=0) - (x=3,y=1)], [(x=5,y=5) - (x=5,y=5)]}");
    EXPECT_TRUE(CoreRangeSet().empty());
    EXPECT_THROW(CoreRangeSet().bounding_box(), std::invalid_argument);
}

TEST(CoreRangeSet, MergeAndSubtract) {
    const CoreRangeSet a(CoreRange({0, 0}, {1, 1}));
    const auto merged = a.merge(CoreRangeSet(CoreRange({2, 0}, {2, 1})));
    EXPECT_EQ(merged, CoreRangeSet(CoreRange({0, 0}, {2, 1})));
    // Overlapping inputs are fine for merge: the union has 4 + 4 - 1 = 7 cores.
    const auto overlapping = a.merge(CoreRange({1, 1}, {2, 2}));
    EXPECT_EQ(overlapping.num_cores(), 7u);
    // Greedy decomposition: from the first free core take the widest run in its row, then grow
    // it down while the rows below are free. (0,0): run x0-1, grows to y1. (2,1): run x2, grows to
    // y2. (1,2) is left alone.
    EXPECT_EQ(overlapping.ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {1, 1}), CoreRange({2, 1}, {2, 2}),
                                      CoreRange({1, 2}, {1, 2})}));

    // A 4x4 grid without its 2x2 centre: top row, then the side columns grow down to the
    // bottom row, leaving its middle two cores.
    const auto ring = CoreRangeSet(CoreRange({0, 0}, {3, 3})).subtract(CoreRange({1, 1}, {2, 2}));
    EXPECT_EQ(ring.num_cores(), 12u);
    EXPECT_EQ(ring.ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {3, 0}), CoreRange({0, 1}, {0, 3}),
                                      CoreRange({3, 1}, {3, 3}), CoreRange({1, 3}, {2, 3})}));
    EXPECT_FALSE(ring.contains(CoreCoord(1, 1)));
    EXPECT_TRUE(
        CoreRangeSet(CoreRange({0, 0}, {1, 1})).subtract(CoreRange({0, 0}, {5, 5})).empty());

    const auto inter = ring.intersection(CoreRange({0, 0}, {1, 1}));
    EXPECT_EQ(inter.num_cores(), 3u);
    // Equality ignores range order.
    EXPECT_EQ(CoreRangeSet({CoreRange({0, 0}), CoreRange({1, 1})}),
              CoreRangeSet({CoreRange({1, 1}), CoreRange({0, 0})}));
    EXPECT_FALSE(CoreRangeSet(CoreRange({0, 0})) == CoreRangeSet(CoreRange({0, 1})));
}

TEST(CoreRangeSet, CoreLists) {
    const CoreRangeSet s(CoreRange({0, 0}, {1, 1}));
    EXPECT_EQ(corerange_to_cores(s), (std::vector<CoreCoord>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
    EXPECT_EQ(corerange_to_cores(s, std::nullopt, true),
              (std::vector<CoreCoord>{{0, 0}, {1, 0}, {0, 1}, {1, 1}}));
    EXPECT_EQ(corerange_to_cores(s, 3, true), (std::vector<CoreCoord>{{0, 0}, {1, 0}, {0, 1}}));
    EXPECT_EQ(grid_to_cores(5, 2, 3),
              (std::vector<CoreCoord>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}}));
    EXPECT_EQ(grid_to_cores(5, 2, 3, true),
              (std::vector<CoreCoord>{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}}));
    EXPECT_THROW(grid_to_cores(7, 2, 3), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Work split

TEST(WorkSplit, HundredUnitsOn8x8) {
    using tt::tt_metal::split_work_to_cores;
    const auto [num_cores, all, g1, g2, units1, units2] = split_work_to_cores(CoreCoord(8, 8), 100);
    EXPECT_EQ(num_cores, 64u);
    EXPECT_EQ(all, CoreRangeSet(CoreRange({0, 0}, {7, 7})));
    // 100 = 64 + 36: the first 36 cores (down columns) get 2 units, the other 28 get 1.
    EXPECT_EQ(units1, 2u);
    EXPECT_EQ(units2, 1u);
    EXPECT_EQ(g1.num_cores(), 36u);
    EXPECT_EQ(g2.num_cores(), 28u);
    EXPECT_EQ(g1.ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {3, 7}), CoreRange({4, 0}, {4, 3})}));
    EXPECT_EQ(g2.ranges(),
              (std::vector<CoreRange>{CoreRange({4, 4}, {4, 7}), CoreRange({5, 0}, {7, 7})}));
    EXPECT_EQ(g1.num_cores() * units1 + g2.num_cores() * units2, 100u);
    EXPECT_FALSE(g1.intersects(g2));
}

TEST(WorkSplit, HundredUnitsOn8x8RowWise) {
    const auto [num_cores, all, g1, g2, units1, units2] =
        tt::tt_metal::split_work_to_cores({8, 8}, 100, true);
    EXPECT_EQ(num_cores, 64u);
    EXPECT_EQ(g1.ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {7, 3}), CoreRange({0, 4}, {3, 4})}));
    EXPECT_EQ(g2.ranges(),
              (std::vector<CoreRange>{CoreRange({4, 4}, {7, 4}), CoreRange({0, 5}, {7, 7})}));
    EXPECT_EQ(units1, 2u);
    EXPECT_EQ(units2, 1u);
}

TEST(WorkSplit, FewerUnitsThanCores) {
    const auto [num_cores, all, g1, g2, units1, units2] =
        tt::tt_metal::split_work_to_cores({8, 8}, 10);
    EXPECT_EQ(num_cores, 10u);
    // Column 0 (8 cores) then the top two of column 1, one unit each.
    EXPECT_EQ(all.ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {0, 7}), CoreRange({1, 0}, {1, 1})}));
    EXPECT_EQ(g1, all);
    EXPECT_TRUE(g2.empty());
    EXPECT_EQ(units1, 1u);
    EXPECT_EQ(units2, 0u);

    const auto row = tt::tt_metal::split_work_to_cores({8, 8}, 10, true);
    EXPECT_EQ(std::get<1>(row).ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {7, 0}), CoreRange({0, 1}, {1, 1})}));

    const auto none = tt::tt_metal::split_work_to_cores({8, 8}, 0);
    EXPECT_EQ(std::get<0>(none), 0u);
    EXPECT_TRUE(std::get<1>(none).empty());
}

TEST(WorkSplit, EvenSplitAndCoreRangeSetGrid) {
    const auto even = tt::tt_metal::split_work_to_cores({4, 2}, 16);
    EXPECT_EQ(std::get<0>(even), 8u);
    EXPECT_EQ(std::get<4>(even), 2u);
    EXPECT_EQ(std::get<5>(even), 0u);
    EXPECT_TRUE(std::get<3>(even).empty());

    const CoreRangeSet grid(CoreRange({0, 0}, {3, 1}));
    const auto [n, all, g1, g2, u1, u2] = tt::tt_metal::split_work_to_cores(grid, 10);
    EXPECT_EQ(n, 8u);
    EXPECT_EQ(all, grid);
    EXPECT_EQ(g1, CoreRangeSet(CoreRange({0, 0}, {0, 1})));  // first column gets the 2 extra
    EXPECT_EQ(g2, CoreRangeSet(CoreRange({1, 0}, {3, 1})));
    EXPECT_EQ(u1, 2u);
    EXPECT_EQ(u2, 1u);

    EXPECT_EQ(tt::tt_metal::num_cores_to_corerangeset(11, CoreCoord(4, 4), true).ranges(),
              (std::vector<CoreRange>{CoreRange({0, 0}, {3, 1}), CoreRange({0, 2}, {2, 2})}));
    EXPECT_THROW(tt::tt_metal::num_cores_to_corerangeset(17, CoreCoord(4, 4)),
                 std::invalid_argument);
}

}  // namespace
