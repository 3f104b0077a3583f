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
#include <utility>
#include <vector>

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

// A multi-tile call `fn` (operands of type Op: fp32 tiles or bf16 bits) against the reference on
// each pair of the fp32 operands f0 x f1 (the same values), starting from Dst `dst0`.
template <class Op, class Fn>
void expect_many_matches(Fn fn, const std::vector<Op>& in0, const std::vector<Op>& in1,
                         const std::vector<Tile>& f0, const std::vector<Tile>& f1,
                         const std::vector<Tile>& dst0, int phases, bool fp32,
                         const std::string& what) {
    const uint32_t rt = uint32_t(in0.size()), ct = uint32_t(in1.size());
    std::vector<Tile> want = dst0, got = dst0;
    for (uint32_t r = 0; r < rt; ++r)
        for (uint32_t c = 0; c < ct; ++c)
            matmul_tile_reference(f0[r], f1[c], want[r * ct + c], phases, fp32, false);
    std::vector<Tile*> d;
    for (Tile& t : got) d.push_back(&t);
    fn(in0.data(), rt, in1.data(), ct, d.data(), phases, fp32);
    for (size_t i = 0; i < got.size(); ++i)
        expect_same(got[i], want[i],
                    std::to_string(rt) + "x" + std::to_string(ct) + " " + what +
                        (fp32 ? " fp32 " : " bf16 ") + std::to_string(phases) + " phases, tile " +
                        std::to_string(i));
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

// matmul_tiles (each operand split once for all its products) against matmul_tile_reference on
// each pair: rt x ct calls of every shape a Dst half allows, operands of every kind (one SrcA and
// one SrcB tile holding inf or NaN, so some pairs take the reference and the others not), Dst
// values that overflow and sums in the float denormal range (the bf16 rounding's range check
// and its recomputation), every fidelity and both Dst formats; every build's `many` too.
TEST(MatmulSimd, MultiTileCallsMatchTheReferencePerPair) {
    std::mt19937 gen(14);
    const std::pair<uint32_t, uint32_t> shapes[] = {{1, 8}, {8, 1}, {2, 4}, {4, 2}, {1, 1}, {4, 4}};
    for (auto [rt, ct] : shapes)
        for (int kind = 0; kind < 5; ++kind) {
            std::vector<Tile> in0(rt), in1(ct), dst0(rt * ct);
            for (Tile& t : in0) t = random_tile(gen, kind % 4);
            for (Tile& t : in1) t = random_tile(gen, kind % 4);
            for (Tile& t : dst0) t = random_tile(gen, kind % 4);
            if (kind == 4) {  // non-finite operands, overflow, tiny sums
                in0[0][5] = std::numeric_limits<float>::infinity();
                in1[ct - 1][77] = std::numeric_limits<float>::quiet_NaN();
                for (float& x : in0[rt - 1]) x *= 0x1p100f;
                for (float& x : in1[0]) x *= 0x1p-120f;
                dst0[0].fill(std::numeric_limits<float>::max());
            }
            for (int phases = 1; phases <= 4; ++phases)
                for (bool fp32 : {true, false}) {
                    const std::string what = "kind " + std::to_string(kind);
                    expect_many_matches(matmul_tiles, in0, in1, in0, in1, dst0, phases, fp32,
                                        what + " matmul_tiles");
                    for (const MatmulTileVariant& v : matmul_tile_variants())
                        expect_many_matches(v.many, in0, in1, in0, in1, dst0, phases, fp32,
                                            what + " " + v.isa);
                }
        }
}

// matmul_tiles_bf16 (operands as L1's bf16 bits, split with no decode pass) against the reference
// on the decoded tiles: every kind of value a bf16 holds (random bits: denormals, zeros of both
// signs, inf, NaN, huge and tiny exponents; ordinary values), every fidelity, both Dst formats,
// the shapes a Dst half allows; every build's many_bf16 too.
TEST(MatmulSimd, Bf16OperandsMatchTheReferenceOnTheirDecodedTiles) {
    std::mt19937 gen(16);
    std::uniform_int_distribution<uint32_t> any;
    auto bf16_tile = [&](int kind) {
        Bf16Tile t;
        const Tile f = random_tile(gen, kind % 4);
        for (int i = 0; i < 1024; ++i) {
            // kind 4: random bit patterns; otherwise the top half of a random tile's value.
            const uint32_t u = kind == 4 && i % 3 == 0 ? any(gen) : bits(f[i]);
            t[i] = static_cast<uint16_t>(u >> 16);
        }
        return t;
    };
    auto decoded = [](const Bf16Tile& t) {
        Tile f;
        for (int i = 0; i < 1024; ++i) f[i] = std::bit_cast<float>(uint32_t(t[i]) << 16);
        return f;
    };
    const std::pair<uint32_t, uint32_t> shapes[] = {{1, 8}, {2, 4}, {8, 1}, {1, 1}, {4, 4}};
    for (auto [rt, ct] : shapes)
        for (int kind = 0; kind < 6; ++kind) {
            std::vector<Bf16Tile> in0(rt), in1(ct);
            std::vector<Tile> f0, f1, dst0(rt * ct);
            for (Bf16Tile& t : in0) t = bf16_tile(kind);
            for (Bf16Tile& t : in1) t = bf16_tile(kind);
            if (kind == 5) {  // a finite SrcB row with a non-finite SrcA column, and tiny sums
                in1[ct - 1][300] = 0x7f80;  // +inf
                for (uint16_t& h : in0[0]) h = static_cast<uint16_t>((h & 0x807f) | 0x0100);
            }
            for (const Bf16Tile& t : in0) f0.push_back(decoded(t));
            for (const Bf16Tile& t : in1) f1.push_back(decoded(t));
            for (Tile& t : dst0) t = random_tile(gen, kind % 4);
            for (int phases = 1; phases <= 4; ++phases)
                for (bool fp32 : {true, false}) {
                    const std::string what = "kind " + std::to_string(kind);
                    expect_many_matches(matmul_tiles_bf16, in0, in1, f0, f1, dst0, phases, fp32,
                                        what + " matmul_tiles_bf16");
                    for (const MatmulTileVariant& v : matmul_tile_variants())
                        expect_many_matches(v.many_bf16, in0, in1, f0, f1, dst0, phases, fp32,
                                            what + " " + v.isa);
                }
        }
}

// Lower fidelities split only the operand parts their phases use (LoFi: no lo part, HiFi2: no
// SrcB lo part), and the SrcB parts are kept per thread between calls: calls of every fidelity
// in turn on one thread, each with new operands, must still match the reference.
TEST(MatmulSimd, FidelitiesInTurnOnOneThreadMatchTheReference) {
    std::mt19937 gen(15);
    for (int phases : {4, 1, 3, 2, 1, 4, 2, 3}) {
        std::vector<Tile> in0(2), in1(4), dst0(8);
        for (Tile& t : in0) t = random_tile(gen, 0);
        for (Tile& t : in1) t = random_tile(gen, 0);
        for (Tile& t : dst0) t = random_tile(gen, 0);
        std::vector<Tile> want = dst0, got = dst0;
        std::vector<Tile*> d;
        for (uint32_t r = 0; r < 2; ++r)
            for (uint32_t c = 0; c < 4; ++c) {
                matmul_tile_reference(in0[r], in1[c], want[r * 4 + c], phases, false, false);
                d.push_back(&got[r * 4 + c]);
            }
        matmul_tiles(in0.data(), 2, in1.data(), 4, d.data(), phases, false);
        for (size_t i = 0; i < got.size(); ++i)
            expect_same(got[i], want[i],
                        "phases " + std::to_string(phases) + " tile " + std::to_string(i));
    }
}

}  // namespace
