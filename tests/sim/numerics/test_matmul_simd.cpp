// The vectorised builds of matmul_tile against matmul_tile_reference: identical bits on random
// tiles of several kinds (bf16, full fp32 mantissas over a wide exponent range, so the 16-term
// double sums round), denormals and zeros of both signs, Dst rounding ties, inf/NaN already in Dst,
// inf/NaN operands (the dispatcher's reference path), every fidelity, both Dst formats, transpose.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"

namespace {

using namespace tensim::numerics;

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

Tile random_tile(std::mt19937& gen, int kind) {
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    std::uniform_int_distribution<int> expo(-40, 40);
    std::uniform_int_distribution<uint32_t> any;
    Tile t;
    for (float& x : t) {
        switch (kind) {
            case 0:  // bf16 in [-1, 1)
                x = round_to_bf16(unit(gen));
                break;
            case 1:  // fp32 mantissas, exponents over 80 binades: inexact 16-term sums
                x = std::ldexp(unit(gen), expo(gen));
                break;
            case 2: {  // denormals, zeros of both signs, smallest normals, ordinary values
                const uint32_t u = any(gen);
                const int pick = static_cast<int>(u % 5);
                x = pick == 0   ? std::bit_cast<float>(u & 0x807fffffu)  // denormal or +-0
                    : pick == 1 ? (u & 1 ? -0.0f : 0.0f)
                    : pick == 2 ? std::bit_cast<float>((u & 0x80ffffffu) | 0x00800000u)
                                : round_to_bf16(unit(gen));
                break;
            }
            default:  // few distinct bf16 values: many exact sums and Dst rounding ties
                x = static_cast<float>(static_cast<int>(any(gen) % 9) - 4) * 0.375f;
                break;
        }
    }
    return t;
}

void expect_same(const Tile& got, const Tile& want, const std::string& what) {
    for (int i = 0; i < 1024; ++i) {
        if (std::isnan(want[i])) {
            ASSERT_TRUE(std::isnan(got[i])) << what << " datum " << i;
        } else {
            ASSERT_EQ(bits(got[i]), bits(want[i])) << what << " datum " << i;
        }
    }
}

// Runs every variant and matmul_tile on the same inputs and Dst, against the reference.
void compare_all(const Tile& in0, const Tile& in1, const Tile& dst0, const std::string& what,
                 bool finite_operands = true) {
    for (int phases = 1; phases <= 4; ++phases)
        for (bool fp32 : {true, false})
            for (bool tr : {false, true}) {
                Tile want = dst0;
                matmul_tile_reference(in0, in1, want, phases, fp32, tr);
                const std::string tag = what + " phases " + std::to_string(phases) +
                                        (fp32 ? " fp32" : " bf16") + (tr ? " transposed" : "");
                Tile got = dst0;
                matmul_tile(in0, in1, got, phases, fp32, tr);
                expect_same(got, want, tag + " matmul_tile");
                if (!finite_operands) continue;
                for (const MatmulTileVariant& v : matmul_tile_variants()) {
                    Tile d = dst0;
                    v.fn(in0, in1, d, phases, fp32, tr);
                    expect_same(d, want, tag + " " + v.isa);
                }
            }
}

TEST(MatmulSimd, ListsTheReferenceLast) {
    const auto v = matmul_tile_variants();
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.back().fn, &matmul_tile_reference);
    std::cout << "matmul_tile runs the " << v.front().isa << " build\n";
}

TEST(MatmulSimd, RandomTilesBitIdentical) {
    std::mt19937 gen(11);
    for (int kind = 0; kind < 4; ++kind)
        for (int rep = 0; rep < 3; ++rep) {
            const Tile in0 = random_tile(gen, kind), in1 = random_tile(gen, kind);
            // Dst starts from zero, from random values, and from -0 (sign of zero sums).
            compare_all(in0, in1, random_tile(gen, kind), "kind " + std::to_string(kind));
            Tile z;
            z.fill(-0.0f);
            compare_all(in0, in1, z, "kind " + std::to_string(kind) + " dst -0");
        }
}

TEST(MatmulSimd, NonFiniteDstAndHugeValues) {
    std::mt19937 gen(12);
    const float inf = std::numeric_limits<float>::infinity();
    Tile in0 = random_tile(gen, 0), in1 = random_tile(gen, 0), d = random_tile(gen, 0);
    d[3] = inf, d[70] = -inf, d[500] = std::numeric_limits<float>::quiet_NaN();
    compare_all(in0, in1, d, "non-finite dst");
    // Products near the float range: sums overflow to inf, and bf16 rounding of FLT_MAX region.
    for (float& x : in0) x *= 0x1p100f;
    for (float& x : in1) x *= 0x1p27f;
    d.fill(std::numeric_limits<float>::max());
    compare_all(in0, in1, d, "overflow");
}

TEST(MatmulSimd, InfAndNaNOperandsTakeTheReference) {
    std::mt19937 gen(13);
    Tile in0 = random_tile(gen, 0), in1 = random_tile(gen, 0), d = random_tile(gen, 0);
    in0[17] = std::numeric_limits<float>::infinity();
    in1[900] = std::numeric_limits<float>::quiet_NaN();
    compare_all(in0, in1, d, "inf/NaN operands", false);
}

}  // namespace
