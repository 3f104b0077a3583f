#include "numerics/fidelity.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace tensim::numerics {

namespace {

// Masks keeping sign, exponent and the leading mantissa bits of an fp32 pattern.
constexpr uint32_t kAHiMask = 0xfff80000u;   // SrcA: mantissa bits 1-4
constexpr uint32_t kAAllMask = 0xffffc000u;  // SrcA: bits 1-9 (bit 10 never reaches the multiplier)
constexpr uint32_t kBHiMask = 0xfffe0000u;   // SrcB: bits 1-6
constexpr uint32_t kBAllMask = 0xffffe000u;  // SrcB: bits 1-10

struct Parts {
    float hi = 0.0f;
    float lo = 0.0f;
};

// hi + lo is the operand as the multiplier sees it. Both parts are exact floats: lo is the
// difference of two patterns with the same exponent. Denormals (exponent field 0) flush to zero.
Parts split(float x, uint32_t hi_mask, uint32_t all_mask) {
    const uint32_t u = std::bit_cast<uint32_t>(x);
    if ((u & 0x7f800000u) == 0) return {};
    const float hi = std::bit_cast<float>(u & hi_mask);
    const float all = std::bit_cast<float>(u & all_mask);
    return {hi, all - hi};
}

Parts split_a(float a) { return split(a, kAHiMask, kAAllMask); }
Parts split_b(float b) { return split(b, kBHiMask, kBAllMask); }

// Partial product of one phase: bit 0 of the phase picks A_lo, bit 1 picks B_lo. Each part has
// at most 7 significant bits, so the product is exact in double. Non-finite operands put their
// IEEE product in phase 0.
double phase_product(float a, float b, int phase) {
    if (!std::isfinite(a) || !std::isfinite(b))
        return phase == 0 ? static_cast<double>(a) * b : 0.0;
    const Parts pa = split_a(a);
    const Parts pb = split_b(b);
    return static_cast<double>((phase & 1) ? pa.lo : pa.hi) * ((phase & 2) ? pb.lo : pb.hi);
}

// Rounds an exact (double) result to the Dst format once. For bf16 the value is first rounded to
// float with round-to-odd, which keeps the second rounding (to bf16) correct.
float dst_round(double d, bool dst_fp32) {
    float f = static_cast<float>(d);
    if (dst_fp32) return f;
    if (std::isfinite(f) && static_cast<double>(f) != d) {
        if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);
        f = std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
    }
    return round_to_bf16(f);
}

void check_phases(const char* fn, int phases) {
    if (phases < 1 || phases > 4) {
        throw std::invalid_argument(std::string(fn) + ": fidelity phases must be 1..4, got " +
                                    std::to_string(phases));
    }
}

}  // namespace

// An exponent field of all ones (inf/NaN) carries into bit 31 when 2^23 is added to it; the
// branch-free loop vectorises (it runs on both operands of every faithful matmul_tile).
bool all_finite(const Tile& t) {
    uint32_t carry = 0;
    for (float x : t) carry |= (std::bit_cast<uint32_t>(x) & 0x7f800000u) + 0x00800000u;
    return (carry & 0x80000000u) == 0;
}

int fidelity_phases(MathFidelity fidelity) {
    switch (fidelity) {
        case MathFidelity::LoFi:
            return 1;
        case MathFidelity::HiFi2:
            return 2;
        case MathFidelity::HiFi3:
            return 3;
        case MathFidelity::HiFi4:
            return 4;
        case MathFidelity::Invalid:
            break;
    }
    throw std::invalid_argument("fidelity_phases: invalid MathFidelity " +
                                std::to_string(static_cast<unsigned>(fidelity)));
}

float round_to_dst(float x, bool dst_fp32) { return dst_fp32 ? x : round_to_bf16(x); }

float fidelity_mul(float a_srcA, float b_srcB, int phases) {
    check_phases("fidelity_mul", phases);
    double sum = 0.0;  // at most 4 terms spanning 20 bits: exact
    for (int p = 0; p < phases; ++p) sum += phase_product(a_srcA, b_srcB, p);
    return static_cast<float>(sum);
}

void matmul_tile(const Tile& in0_srcB, const Tile& in1_srcA, Tile& dst, int phases, bool dst_fp32,
                 bool transpose_in1) {
    check_phases("matmul_tile", phases);
    static const MatmulTileVariant::Fn fast = matmul_tile_variants().front().fn;
    if (all_finite(in0_srcB) && all_finite(in1_srcA))
        fast(in0_srcB, in1_srcA, dst, phases, dst_fp32, transpose_in1);
    else
        matmul_tile_reference(in0_srcB, in1_srcA, dst, phases, dst_fp32, transpose_in1);
}

void matmul_tiles(const Tile* in0_srcB, uint32_t rt, const Tile* in1_srcA, uint32_t ct,
                  Tile* const* dst, int phases, bool dst_fp32) {
    check_phases("matmul_tiles", phases);
    if (rt > 16) throw std::invalid_argument("matmul_tiles: more than 16 rows");
    static const MatmulTileVariant::ManyFn fast = matmul_tile_variants().front().many;
    fast(in0_srcB, rt, in1_srcA, ct, dst, phases, dst_fp32);
}

void matmul_tiles_bf16(const Bf16Tile* in0_srcB, uint32_t rt, const Bf16Tile* in1_srcA, uint32_t ct,
                       Tile* const* dst, int phases, bool dst_fp32) {
    check_phases("matmul_tiles_bf16", phases);
    if (rt > 16) throw std::invalid_argument("matmul_tiles_bf16: more than 16 rows");
    static const MatmulTileVariant::ManyBf16Fn fast = matmul_tile_variants().front().many_bf16;
    fast(in0_srcB, rt, in1_srcA, ct, dst, phases, dst_fp32);
}

void matmul_tile_reference(const Tile& in0_srcB, const Tile& in1_srcA, Tile& dst, int phases,
                           bool dst_fp32, bool transpose_in1) {
    check_phases("matmul_tile", phases);
    // Row-major operand parts: a[k][n] from in1 (SrcA), b[m][k] from in0 (SrcB); 28 KiB of stack.
    // a is kept in double so the inner loop is a plain vectorisable multiply-add; products of
    // parts are exact in double.
    double a_part[2][32][32];
    float b_part[2][32][32];
    float d[32][32];
    const bool finite = all_finite(in0_srcB) && all_finite(in1_srcA);
    for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) {
            const float a = transpose_in1 ? in1_srcA[tile_index(c, r)] : in1_srcA[tile_index(r, c)];
            const Parts pa = split_a(a);
            a_part[0][r][c] = pa.hi;
            a_part[1][r][c] = pa.lo;
            const Parts pb = split_b(in0_srcB[tile_index(r, c)]);
            b_part[0][r][c] = pb.hi;
            b_part[1][r][c] = pb.lo;
            d[r][c] = dst[tile_index(r, c)];
        }
    }
    for (int p = 0; p < phases; ++p) {
        const auto& ap = a_part[p & 1];
        const auto& bp = b_part[(p >> 1) & 1];
        for (int kh = 0; kh < 2; ++kh) {
            for (int m = 0; m < 32; ++m) {
                double s[32] = {};
                if (finite) {
                    for (int k = kh * 16; k < kh * 16 + 16; ++k) {
                        const double b = bp[m][k];
                        for (int n = 0; n < 32; ++n) s[n] += b * ap[k][n];
                    }
                } else {  // rare: inf/NaN operands take the scalar path
                    for (int k = kh * 16; k < kh * 16 + 16; ++k) {
                        for (int n = 0; n < 32; ++n) {
                            const float a = transpose_in1 ? in1_srcA[tile_index(n, k)]
                                                          : in1_srcA[tile_index(k, n)];
                            s[n] += phase_product(a, in0_srcB[tile_index(m, k)], p);
                        }
                    }
                }
                if (dst_fp32) {
                    for (int n = 0; n < 32; ++n)
                        d[m][n] = static_cast<float>(static_cast<double>(d[m][n]) + s[n]);
                } else {
                    for (int n = 0; n < 32; ++n)
                        d[m][n] = dst_round(static_cast<double>(d[m][n]) + s[n], false);
                }
            }
        }
    }
    for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) dst[tile_index(r, c)] = d[r][c];
    }
}

namespace {

// 16 floats in one vector value: one AVX-512 register, two AVX2 or four SSE registers, as the
// target of the function it is inlined into allows. aligned(4): tile rows need not be 64 B aligned.
typedef float v16 __attribute__((vector_size(64), aligned(4)));

// Dst += in0 x in1 with every tile in tile order, where a row is two contiguous 16-float runs
// (faces 0/1 or 2/3) 256 floats apart. MR output rows at a time accumulate in registers over k:
// per k, two loads of in1's row and 2 * MR fused multiply-adds.
template <int MR>
__attribute__((always_inline)) inline void gemm_tile(const float* __restrict a,
                                                     const float* __restrict b,
                                                     float* __restrict d) {
    auto row = [](int r) { return (r / 16) * 512 + (r % 16) * 16; };  // first float of row r
    for (int m = 0; m < 32; m += MR) {
        v16 acc[MR][2];
        for (int i = 0; i < MR; ++i) {
            acc[i][0] = *reinterpret_cast<const v16*>(d + row(m + i));
            acc[i][1] = *reinterpret_cast<const v16*>(d + row(m + i) + 256);
        }
        // k in two halves of 16: in0's columns k sit in face 0/2 then 1/3 (256 floats on), in1's
        // rows k in faces 0/1 then 2/3 (512 floats on).
        for (int kh = 0; kh < 2; ++kh) {
            const float* ak = a + row(m) + kh * 256;
            const float* bk = b + kh * 512;
#pragma GCC unroll 16
            for (int kk = 0; kk < 16; ++kk) {
                const v16 b0 = *reinterpret_cast<const v16*>(bk + kk * 16);
                const v16 b1 = *reinterpret_cast<const v16*>(bk + kk * 16 + 256);
                for (int i = 0; i < MR; ++i) {
                    const float x =
                        ak[i * 16 + kk];  // rows m..m+MR-1 are 16 floats apart (one face)
                    acc[i][0] += x * b0;
                    acc[i][1] += x * b1;
                }
            }
        }
        for (int i = 0; i < MR; ++i) {
            *reinterpret_cast<v16*>(d + row(m + i)) = acc[i][0];
            *reinterpret_cast<v16*>(d + row(m + i) + 256) = acc[i][1];
        }
    }
}

// One build per instruction set, with as many rows in flight as its registers hold (AVX-512: 32
// zmm, 16 accumulators; AVX2 and SSE: 16 registers, 8 accumulators). The FMA builds fuse each
// multiply-add, the SSE build rounds twice: fast numerics may differ in the last bit between CPUs.
__attribute__((target("avx512f,fma"))) void gemm_tile_avx512(const float* a, const float* b,
                                                             float* d) {
    gemm_tile<8>(a, b, d);
}
__attribute__((target("avx2,fma"))) void gemm_tile_avx2(const float* a, const float* b, float* d) {
    gemm_tile<2>(a, b, d);
}
void gemm_tile_base(const float* a, const float* b, float* d) { gemm_tile<2>(a, b, d); }

}  // namespace

std::vector<GemmTileVariant> gemm_tile_variants() {
    __builtin_cpu_init();  // may run from a static initialiser, before libgcc's own
    std::vector<GemmTileVariant> v;
    if (__builtin_cpu_supports("avx512f")) v.push_back({"avx512", gemm_tile_avx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        v.push_back({"avx2", gemm_tile_avx2});
    v.push_back({"base", gemm_tile_base});
    return v;
}

void matmul_tile_fp32(const Tile& in0, const Tile& in1, Tile& dst, bool transpose_in1) {
    if (transpose_in1) {
        Tile t;
        for (int r = 0; r < 32; ++r)
            for (int c = 0; c < 32; ++c) t[tile_index(c, r)] = in1[tile_index(r, c)];
        return matmul_tile_fp32(in0, t, dst, false);
    }
    static const GemmTileVariant::Fn gemm = gemm_tile_variants().front().fn;
    gemm(in0.data(), in1.data(), dst.data());
}

void eltwise_tile(EltwiseOp op, const Tile& a_srcA, const Tile& b_srcB, Tile& dst, int phases,
                  bool dst_fp32, bool accumulate) {
    if (op == EltwiseOp::mul) check_phases("eltwise_tile", phases);
    for (int i = 0; i < 1024; ++i) {
        const double a = a_srcA[i];
        const double b = b_srcB[i];
        double r;
        switch (op) {
            case EltwiseOp::add:
                r = a + b;
                break;
            case EltwiseOp::sub:
                r = a - b;
                break;
            case EltwiseOp::mul:
            default:
                r = 0.0;
                for (int p = 0; p < phases; ++p) r += phase_product(a_srcA[i], b_srcB[i], p);
                break;
        }
        dst[i] = dst_round(accumulate ? static_cast<double>(dst[i]) + r : r, dst_fp32);
    }
}

}  // namespace tensim::numerics
