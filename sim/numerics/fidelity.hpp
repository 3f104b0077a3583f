// Models the FPU's multiply precision (math fidelity phases), Dst rounding, and the order in which
// a 32x32x32 matmul accumulates into Dst. Abstracts away FPU timing, Src/Dst banking and the
// internal precision of the 16-term dot products (taken as exact). Numbers: wormhole_params.md
// section 4 (ISA SrcASrcB.md, MVMUL.md, Dst.md); worked example in docs/numerics.md.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "numerics/formats.hpp"

namespace tensim::numerics {

// Multiplier passes per fidelity: LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4. Throws std::invalid_argument
// for MathFidelity::Invalid.
int fidelity_phases(MathFidelity fidelity);

// Dst holds fp32 (fp32_dest_acc_en) or bf16; bf16 rounds to nearest-even.
float round_to_dst(float x, bool dst_fp32);

// Src operands are TF32 (hidden bit + 10 mantissa bits); mantissa bits below that are ignored,
// denormals count as zero. Phase p multiplies these parts (A = SrcA, B = SrcB):
//   A_hi = hidden + mantissa bits 1-4, A_lo = bits 5-9 (bit 10 is never used),
//   B_hi = hidden + bits 1-6,          B_lo = bits 7-10,
//   phase 0: A_hi*B_hi, 1: A_lo*B_hi, 2: A_hi*B_lo, 3: A_lo*B_lo.
// Returns the exact sum of the first `phases` (1..4) partial products, rounded to float.
// NaN, inf and zero operands give the IEEE product.
float fidelity_mul(float a_srcA, float b_srcB, int phases);

// dst += in0 x in1 on 32x32 tiles, all in tile order; in0 sits in SrcB, in1 in SrcA
// (transpose_in1: in1 is used transposed). Each MVMUL covers K = 16; the fidelity loop is
// outermost (as LLK issues it, and as ISA Dst.md advises), so for each phase and each K half the
// 16-term partial sums are added to Dst, which is rounded to its format after every addition.
// Runs the fastest build this CPU has (matmul_tile_variants); all give identical bits.
void matmul_tile(const Tile& in0_srcB, const Tile& in1_srcA, Tile& dst, int phases, bool dst_fp32,
                 bool transpose_in1);

// The portable build of matmul_tile: the reference the vectorised builds are tested against, and
// the path for tiles holding inf or NaN.
void matmul_tile_reference(const Tile& in0_srcB, const Tile& in1_srcA, Tile& dst, int phases,
                           bool dst_fp32, bool transpose_in1);

// dst[r * ct + c] += in0[r] x in1[c] for r < rt, c < ct (at most 16 rows): matmul_tile on each
// pair, without transpose, bit for bit; the fastest build splits each operand tile into its parts
// once for all its products.
void matmul_tiles(const Tile* in0_srcB, uint32_t rt, const Tile* in1_srcA, uint32_t ct,
                  Tile* const* dst, int phases, bool dst_fp32);

// A bf16 tile as L1 holds it: the top halves of its fp32 values, in tile order.
using Bf16Tile = std::array<uint16_t, 1024>;

// matmul_tiles on bf16 operands (decode_tile of Float16_b gives their float tiles), bit for bit;
// the fastest build splits their bits into parts with no decode pass of its own.
void matmul_tiles_bf16(const Bf16Tile* in0_srcB, uint32_t rt, const Bf16Tile* in1_srcA, uint32_t ct,
                       Tile* const* dst, int phases, bool dst_fp32);

// The builds of matmul_tile this CPU can run, the fastest first (fidelity_simd.cpp); the last is
// matmul_tile_reference. Each `fn` takes only finite operand tiles; `many` is its matmul_tiles
// (any operands: pairs holding inf or NaN take the reference).
struct MatmulTileVariant {
    using Fn = void (*)(const Tile& in0_srcB, const Tile& in1_srcA, Tile& dst, int phases,
                        bool dst_fp32, bool transpose_in1);
    using ManyFn = void (*)(const Tile* in0_srcB, uint32_t rt, const Tile* in1_srcA, uint32_t ct,
                            Tile* const* dst, int phases, bool dst_fp32);
    using ManyBf16Fn = void (*)(const Bf16Tile* in0_srcB, uint32_t rt, const Bf16Tile* in1_srcA,
                                uint32_t ct, Tile* const* dst, int phases, bool dst_fp32);
    const char* isa;
    Fn fn;
    ManyFn many;
    ManyBf16Fn many_bf16;  // matmul_tiles_bf16
};

// Whether no element of the tile is inf or NaN.
bool all_finite(const Tile& t);
std::vector<MatmulTileVariant> matmul_tile_variants();

// `fast` numerics: dst += in0 x in1 in plain fp32 (no fidelity phases, no Dst rounding).
void matmul_tile_fp32(const Tile& in0, const Tile& in1, Tile& dst, bool transpose_in1);

// The builds of matmul_tile_fp32's kernel (dst += in0 x in1, tile order) this CPU can run, the
// fastest first (the one used); listed so that tests can check each.
struct GemmTileVariant {
    using Fn = void (*)(const float* in0, const float* in1, float* dst);
    const char* isa;
    Fn fn;
};
std::vector<GemmTileVariant> gemm_tile_variants();

enum class EltwiseOp { add, sub, mul };

// dst = a op b (or dst += a op b when accumulate), rounded once to the Dst format. add/sub carry
// no fidelity; mul is fidelity_mul with `phases`. sub is a - b.
void eltwise_tile(EltwiseOp op, const Tile& a_srcA, const Tile& b_srcB, Tile& dst, int phases,
                  bool dst_fp32, bool accumulate);

}  // namespace tensim::numerics
