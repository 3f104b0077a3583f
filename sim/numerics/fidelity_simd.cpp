// Models the same thing as matmul_tile_reference (fidelity.cpp): the FPU's phase-by-phase matmul
// into a rounded Dst. Abstracts nothing further: this is the same arithmetic, vectorised, and it
// must give bit-identical results (tests compare the two on random and edge-case tiles). Numbers:
// none of its own; see fidelity.hpp and docs/numerics.md.
//
// Why it is bit-identical: every partial product of operand parts has at most 5 x 7 significant
// bits, so it is exact in double and a fused multiply-add equals the reference's multiply then add;
// each 16-term sum starts from +0.0 and adds k in the reference's order; Dst is updated in the
// reference's (phase, K half) order and rounded with the same rule (double -> float round-to-odd,
// then bf16 round-to-nearest-even), here on eight lanes at a time. Tiles holding inf/NaN take the
// reference path (the dispatcher in fidelity.cpp checks).
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "numerics/fidelity.hpp"

namespace tensim::numerics {

namespace {

constexpr uint32_t kAHiMask = 0xfff80000u;   // SrcA: mantissa bits 1-4
constexpr uint32_t kAAllMask = 0xffffc000u;  // SrcA: bits 1-9
constexpr uint32_t kBHiMask = 0xfffe0000u;   // SrcB: bits 1-6
constexpr uint32_t kBAllMask = 0xffffe000u;  // SrcB: bits 1-10

// Operand parts as double, row-major: a[part][k][n] (SrcA = in1), b[part][m][k] (SrcB = in0).
struct alignas(64) Parts {
    double a[2][32][32];
    double b[2][32][32];
};

#define TENSIM_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

// The exponents of a tile's elements: the smallest of a normal element and the largest of any
// (128: inf or NaN), unbiased; an all-zero tile has emin 128 and emax -127.
struct Span {
    int emin = 128, emax = -127;
    bool finite() const { return emax < 128; }
};

// Exponent fields folded by span_add: `lo` the smallest of normal elements (zeros and denormals
// count as 0xff, i.e. not at all: their parts are zero), `hi` the largest.
struct SpanAcc {
    __m256i lo, hi;
};
TENSIM_AVX2 SpanAcc span_begin() { return {_mm256_set1_epi32(0x7f800000), _mm256_setzero_si256()}; }
// Folds 8 exponent fields into a Span: lanes set in `skip` (zeros) stay out of the smallest.
TENSIM_AVX2 void span_add(SpanAcc& acc, __m256i exp, __m256i skip) {
    acc.lo = _mm256_min_epu32(
        acc.lo, _mm256_or_si256(exp, _mm256_and_si256(skip, _mm256_set1_epi32(0x7f800000))));
    acc.hi = _mm256_max_epu32(acc.hi, exp);
}
TENSIM_AVX2 Span span_end(const SpanAcc& acc) {
    alignas(32) uint32_t lo[8], hi[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lo), acc.lo);
    _mm256_store_si256(reinterpret_cast<__m256i*>(hi), acc.hi);
    uint32_t l = lo[0], h = hi[0];
    for (int i = 1; i < 8; ++i) l = std::min(l, lo[i]), h = std::max(h, hi[i]);
    return {static_cast<int>(l >> 23) - 127, static_cast<int>(h >> 23) - 127};
}

// 8 operand elements as fp32 bit patterns: from a float tile, or from bf16 bits as L1 holds them
// (decode_tile's shift into the top half, done here instead of in a pass of its own).
TENSIM_AVX2 __m256i load8(const float* x) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
}
TENSIM_AVX2 __m256i load8(const uint16_t* x) {
    return _mm256_slli_epi32(
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x))), 16);
}

// hi/lo parts of 8 floats (one mask pair), as the multiplier sees them: denormals and zeros give
// zero parts; lo = all - hi is exact (same exponent). Without `want_lo` (fidelities whose phases
// never use the lo part) only hi is written.
template <class T>
TENSIM_AVX2 void split8(const T* x, uint32_t hi_mask, uint32_t all_mask, double* hi, double* lo,
                        SpanAcc& span, bool want_lo = true) {
    const __m256i u = load8(x);
    const __m256i exp = _mm256_and_si256(u, _mm256_set1_epi32(0x7f800000));
    const __m256i zero = _mm256_cmpeq_epi32(exp, _mm256_setzero_si256());
    span_add(span, exp, zero);
    const __m256i h =
        _mm256_andnot_si256(zero, _mm256_and_si256(u, _mm256_set1_epi32(int(hi_mask))));
    const __m256i a =
        _mm256_andnot_si256(zero, _mm256_and_si256(u, _mm256_set1_epi32(int(all_mask))));
    const __m256 hf = _mm256_castsi256_ps(h);
    const __m256 lf = _mm256_sub_ps(_mm256_castsi256_ps(a), hf);
    _mm256_store_pd(hi, _mm256_cvtps_pd(_mm256_castps256_ps128(hf)));
    _mm256_store_pd(hi + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(hf, 1)));
    if (!want_lo) return;
    _mm256_store_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(lf)));
    _mm256_store_pd(lo + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(lf, 1)));
}

// Row r of a tile-order tile, split into row r of the two part arrays; returns the tile's Span.
template <class T>
TENSIM_AVX2 Span split_tile(const T* t, uint32_t hi_mask, uint32_t all_mask, double (*hi)[32],
                            double (*lo)[32], bool want_lo = true) {
    SpanAcc span = span_begin();
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; c += 8)
            split8(t + tile_index(r, c), hi_mask, all_mask, &hi[r][c], &lo[r][c], span, want_lo);
    return span_end(span);
}

// Both operands into their parts: in1 (transposed first when asked) feeds A, in0 feeds B. Returns
// the Spans of in1 and in0.
TENSIM_AVX2 std::pair<Span, Span> split_operands(const Tile& in0, const Tile& in1,
                                                 bool transpose_in1, Parts& P) {
    Span a;
    if (transpose_in1) {
        Tile t;
        for (int r = 0; r < 32; ++r)
            for (int c = 0; c < 32; ++c) t[tile_index(c, r)] = in1[tile_index(r, c)];
        a = split_tile(t.data(), kAHiMask, kAAllMask, P.a[0], P.a[1]);
    } else {
        a = split_tile(in1.data(), kAHiMask, kAAllMask, P.a[0], P.a[1]);
    }
    return {a, split_tile(in0.data(), kBHiMask, kBAllMask, P.b[0], P.b[1])};
}

// Whether every sum the bf16 Dst rounds, Dst + a 16-term sum of part products, is zero or has a
// magnitude in [2^-126, 2^127) (the fast rounding's range), for operands and a starting Dst of
// these Spans (Dst's emin counts its denormals, -127). Low end: a SrcA part is a multiple of
// 2^(e - 9) (mantissa bits down to 9), a SrcB part of 2^(e - 10), a float Dst value of
// 2^(e - 23); sums of multiples of 2^G, their rounding to double and to bf16 are multiples of
// 2^G, so nonzero results are at least 2^G. High end: a sum has 16 products below
// 2^(ea + 1) * 2^(eb + 1); eight updates (4 phases x 2 K halves), each rounding up by at most
// 2^-8, stay below 1.04 * (2^(ed + 1) + 2^(ea + eb + 9)) < 2^126 when both terms are at most 2^124.
bool bf16_sums_in_range(const Span& a, const Span& b, const Span& d) {
    const int g = std::min(a.emin + b.emin - 19, d.emin - 23);
    return g >= -126 && d.emax + 1 <= 124 && a.emax + b.emax + 9 <= 124;
}

// The reference's Dst rounding of one exact-as-double sum, lane by lane (fidelity.cpp's
// dst_round): for bf16, round to float with round-to-odd, then bf16 round-to-nearest-even. Used
// for lanes outside the fast path's range; returns the rounded value as a double (exact).
double dst_round_scalar(double x) {
    float f = static_cast<float>(x);
    if (std::isfinite(f) && static_cast<double>(f) != x) {
        if (std::fabs(static_cast<double>(f)) > std::fabs(x)) f = std::nextafter(f, 0.0f);
        f = std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
    }
    return static_cast<double>(round_to_bf16(f));
}

// D[0..3] = Dst rounding of (D + s). Dst values are kept as doubles (exact) between updates. fp32
// rounds once. bf16: rounding to float with round-to-odd and then to bf16 with round-to-nearest-
// even (the reference) equals rounding straight to 8 significant bits with round-to-nearest-even
// while the result is a float normal (round-to-odd at 24 >= 8 + 2 bits is innocuous), so for
// 2^-126 <= |x| < 2^127 (and zeros) that is done on the double's bits; other lanes (float
// denormals, overflow, inf/NaN) take the scalar rule.
template <bool Fp32>
TENSIM_AVX2 void update4(double* D, __m256d s) {
    const __m256d x = _mm256_add_pd(_mm256_load_pd(D), s);
    if constexpr (Fp32) {
        _mm256_store_pd(D, _mm256_cvtps_pd(_mm256_cvtpd_ps(x)));
    } else {
        const __m256d ax = _mm256_and_pd(x, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX)));
        const __m256d ok =
            _mm256_or_pd(_mm256_and_pd(_mm256_cmp_pd(ax, _mm256_set1_pd(0x1p-126), _CMP_GE_OQ),
                                       _mm256_cmp_pd(ax, _mm256_set1_pd(0x1p127), _CMP_LT_OQ)),
                         _mm256_cmp_pd(ax, _mm256_setzero_pd(), _CMP_EQ_OQ));
        if (__builtin_expect(_mm256_movemask_pd(ok) == 0xf, 1)) {
            // Keep 1 + 7 mantissa bits: drop 45, ties to even.
            const __m256i u = _mm256_castpd_si256(x);
            const __m256i odd = _mm256_and_si256(_mm256_srli_epi64(u, 45), _mm256_set1_epi64x(1));
            const __m256i r =
                _mm256_add_epi64(_mm256_add_epi64(u, odd), _mm256_set1_epi64x((1ll << 44) - 1));
            _mm256_store_pd(D, _mm256_castsi256_pd(
                                   _mm256_and_si256(r, _mm256_set1_epi64x(~((1ll << 45) - 1)))));
        } else {
            alignas(32) double v[4];
            _mm256_store_pd(v, x);
            for (int l = 0; l < 4; ++l) D[l] = dst_round_scalar(v[l]);
        }
    }
}

// One (m block, n chunk) of Dst through all phases: MR rows x 4*NV columns of 16-term sums in
// registers per phase and K half.
template <int MR, int NV, bool Fp32>
TENSIM_AVX2 void block(const Parts& P, double (*D)[32], int m0, int n0, int phases) {
    for (int p = 0; p < phases; ++p) {
        const double(*ap)[32] = P.a[p & 1];
        const double(*bp)[32] = P.b[(p >> 1) & 1];
        for (int kh = 0; kh < 2; ++kh) {
            __m256d s[MR][NV];
#pragma GCC unroll 8
            for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
                for (int j = 0; j < NV; ++j) s[i][j] = _mm256_setzero_pd();
#pragma GCC unroll 4
            for (int k = kh * 16; k < kh * 16 + 16; ++k) {
                __m256d a[NV];
#pragma GCC unroll 8
                for (int j = 0; j < NV; ++j) a[j] = _mm256_load_pd(&ap[k][n0 + 4 * j]);
#pragma GCC unroll 8
                for (int i = 0; i < MR; ++i) {
                    const __m256d b = _mm256_broadcast_sd(&bp[m0 + i][k]);
#pragma GCC unroll 8
                    for (int j = 0; j < NV; ++j) s[i][j] = _mm256_fmadd_pd(b, a[j], s[i][j]);
                }
            }
#pragma GCC unroll 8
            for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
                for (int j = 0; j < NV; ++j) update4<Fp32>(&D[m0 + i][n0 + 4 * j], s[i][j]);
        }
    }
}

template <int MR, int NV>
TENSIM_AVX2 void matmul_parts(const Tile& in0, const Tile& in1, Tile& dst, int phases,
                              bool dst_fp32, bool transpose_in1) {
    Parts P;
    split_operands(in0, in1, transpose_in1, P);
    alignas(64) double D[32][32];  // Dst, row-major; every value a float, exactly
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; c += 4)
            _mm256_store_pd(&D[r][c], _mm256_cvtps_pd(_mm_loadu_ps(&dst[tile_index(r, c)])));
    for (int m0 = 0; m0 < 32; m0 += MR)
        for (int n0 = 0; n0 < 32; n0 += 4 * NV) {
            if (dst_fp32)
                block<MR, NV, true>(P, D, m0, n0, phases);
            else
                block<MR, NV, false>(P, D, m0, n0, phases);
        }
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; c += 4)
            _mm_storeu_ps(&dst[tile_index(r, c)], _mm256_cvtpd_ps(_mm256_load_pd(&D[r][c])));
}

// GCC 12's AVX-512 intrinsics start from an "undefined" register that -Wmaybe-uninitialized
// reports once they are inlined (a known false positive); the code below reads no such value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define TENSIM_AVX512 \
    __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"), always_inline)) inline

// update4 on eight lanes (one zmm register): the same rule, the same fallback for lanes outside
// the float normal range.
template <bool Fp32>
TENSIM_AVX512 void update8(double* D, __m512d s) {
    const __m512d x = _mm512_add_pd(_mm512_load_pd(D), s);
    if constexpr (Fp32) {
        _mm512_store_pd(D, _mm512_cvtps_pd(_mm512_cvtpd_ps(x)));
    } else {
        const __m512d ax = _mm512_abs_pd(x);
        const __mmask8 ok = (_mm512_cmp_pd_mask(ax, _mm512_set1_pd(0x1p-126), _CMP_GE_OQ) &
                             _mm512_cmp_pd_mask(ax, _mm512_set1_pd(0x1p127), _CMP_LT_OQ)) |
                            _mm512_cmp_pd_mask(ax, _mm512_setzero_pd(), _CMP_EQ_OQ);
        if (__builtin_expect(ok == 0xff, 1)) {
            const __m512i u = _mm512_castpd_si512(x);
            const __m512i odd = _mm512_and_si512(_mm512_srli_epi64(u, 45), _mm512_set1_epi64(1));
            const __m512i r =
                _mm512_add_epi64(_mm512_add_epi64(u, odd), _mm512_set1_epi64((1ll << 44) - 1));
            _mm512_store_pd(
                D, _mm512_castsi512_pd(_mm512_and_si512(r, _mm512_set1_epi64(~((1ll << 45) - 1)))));
        } else {
            alignas(64) double v[8];
            _mm512_store_pd(v, x);
            for (int l = 0; l < 8; ++l) D[l] = dst_round_scalar(v[l]);
        }
    }
}

// update8's bf16 rounding without its range check, for tiles bf16_sums_in_range() clears.
TENSIM_AVX512 void update8_in_range(double* D, __m512d s) {
    const __m512i u = _mm512_castpd_si512(_mm512_add_pd(_mm512_load_pd(D), s));
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi64(u, 45), _mm512_set1_epi64(1));
    const __m512i r =
        _mm512_add_epi64(_mm512_add_epi64(u, odd), _mm512_set1_epi64((1ll << 44) - 1));
    _mm512_store_pd(
        D, _mm512_castsi512_pd(_mm512_and_si512(r, _mm512_set1_epi64(~((1ll << 45) - 1)))));
}

// block() with 8-double vectors: MR rows x all 32 columns (4 zmm) of 16-term sums per phase and
// K half. On cores with a full-width 512-bit FMA (Zen 5, Intel server cores) this is twice the
// multiply-adds per instruction of the 256-bit build.
// Kinds of Dst update: fp32, bf16 checked per vector (update8), bf16 in range (update8_in_range).
enum class Dst { fp32, bf16, bf16_in_range };

template <int MR, Dst Mode>
TENSIM_AVX512 void block512(const double (*A)[32][32], const double (*B)[32][32], double (*D)[32],
                            int m0, int phases) {
    for (int p = 0; p < phases; ++p) {
        const double(*ap)[32] = A[p & 1];
        const double(*bp)[32] = B[(p >> 1) & 1];
        for (int kh = 0; kh < 2; ++kh) {
            __m512d s[MR][4];
#pragma GCC unroll 8
            for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
                for (int j = 0; j < 4; ++j) s[i][j] = _mm512_setzero_pd();
#pragma GCC unroll 4
            for (int k = kh * 16; k < kh * 16 + 16; ++k) {
                __m512d a[4];
#pragma GCC unroll 4
                for (int j = 0; j < 4; ++j) a[j] = _mm512_load_pd(&ap[k][8 * j]);
#pragma GCC unroll 8
                for (int i = 0; i < MR; ++i) {
                    const __m512d b = _mm512_set1_pd(bp[m0 + i][k]);
#pragma GCC unroll 4
                    for (int j = 0; j < 4; ++j) s[i][j] = _mm512_fmadd_pd(b, a[j], s[i][j]);
                }
            }
#pragma GCC unroll 8
            for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
                for (int j = 0; j < 4; ++j) {
                    if constexpr (Mode == Dst::fp32)
                        update8<true>(&D[m0 + i][8 * j], s[i][j]);
                    else if constexpr (Mode == Dst::bf16)
                        update8<false>(&D[m0 + i][8 * j], s[i][j]);
                    else
                        update8_in_range(&D[m0 + i][8 * j], s[i][j]);
                }
        }
    }
}

// Dst into doubles; returns its Span (denormals as exponent -127).
TENSIM_AVX512 Span load_dst512(const Tile& dst, double (*D)[32]) {
    SpanAcc span = span_begin();
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; c += 8) {
            const float* x = &dst[tile_index(r, c)];
            const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
            const __m256i mag = _mm256_and_si256(u, _mm256_set1_epi32(0x7fffffff));
            const __m256i exp = _mm256_and_si256(u, _mm256_set1_epi32(0x7f800000));
            span_add(span, exp, _mm256_cmpeq_epi32(mag, _mm256_setzero_si256()));
            _mm512_store_pd(&D[r][c], _mm512_cvtps_pd(_mm256_castsi256_ps(u)));
        }
    return span_end(span);
}

// dst += the product of two split operands (A: in1's parts, B: in0's, of Spans sa and sb), all
// phases; a bf16 Dst skips the range check when bf16_sums_in_range() allows.
template <int MR>
TENSIM_AVX512 void product512(const double (*A)[32][32], const double (*B)[32][32], const Span& sa,
                              const Span& sb, Tile& dst, int phases, bool dst_fp32) {
    alignas(64) double D[32][32];
    const Span sd = load_dst512(dst, D);
    if (dst_fp32) {
        for (int m0 = 0; m0 < 32; m0 += MR) block512<MR, Dst::fp32>(A, B, D, m0, phases);
    } else if (bf16_sums_in_range(sa, sb, sd)) {
        for (int m0 = 0; m0 < 32; m0 += MR) block512<MR, Dst::bf16_in_range>(A, B, D, m0, phases);
    } else {
        for (int m0 = 0; m0 < 32; m0 += MR) block512<MR, Dst::bf16>(A, B, D, m0, phases);
    }
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; c += 8)
            _mm256_storeu_ps(&dst[tile_index(r, c)], _mm512_cvtpd_ps(_mm512_load_pd(&D[r][c])));
}

template <int MR>
TENSIM_AVX512 void matmul_parts512(const Tile& in0, const Tile& in1, Tile& dst, int phases,
                                   bool dst_fp32, bool transpose_in1) {
    Parts P;
    const auto [sa, sb] = split_operands(in0, in1, transpose_in1, P);
    product512<MR>(P.a, P.b, sa, sb, dst, phases, dst_fp32);
}

template <class T, size_t N>
inline void prefetch_tile(const std::array<T, N>& t) {
    for (size_t i = 0; i < N; i += 64 / sizeof(T)) _mm_prefetch(&t[i], _MM_HINT_T0);
}

// An operand as matmul_tile_reference takes it: a float tile as it is, bf16 bits decoded.
inline const Tile& as_tile(const Tile& t, Tile&) { return t; }
inline const Tile& as_tile(const Bf16Tile& t, Tile& scratch) {
    decode_tile(tt::DataFormat::Float16_b, reinterpret_cast<const uint8_t*>(t.data()), scratch);
    return scratch;
}

// dst[r * ct + c] += in0[r] x in1[c]: each operand tile split once for all its products (the
// split is a fifth of a LoFi product). Pairs with an inf or NaN operand take the reference.
// Operands are float tiles or bf16 tiles (OT: Tile or Bf16Tile), which split straight from
// their bits.
template <int MR, class OT>
TENSIM_AVX512 void matmul_many512(const OT* in0, uint32_t rt, const OT* in1, uint32_t ct,
                                  Tile* const* dst, int phases, bool dst_fp32) {
    struct alignas(64) Split {
        double v[2][32][32];
    };
    // The SrcB parts of every row (up to Dst's 16 tiles); this runs on the simulation thread's
    // SystemC stacks too, so they are not on the stack.
    thread_local std::vector<Split> b_parts;
    thread_local std::vector<Span> b_span;
    if (b_parts.size() < rt) b_parts.resize(rt), b_span.resize(rt);
    prefetch_tile(in1[0]);  // fetched while the SrcB tiles split
    prefetch_tile(*dst[0]);
    // Phase p uses A part p & 1 and B part (p >> 1) & 1: LoFi needs no lo part, HiFi2 A's only.
    const bool a_lo = phases > 1, b_lo = phases > 2;
    for (uint32_t r = 0; r < rt; ++r)
        b_span[r] =
            split_tile(in0[r].data(), kBHiMask, kBAllMask, b_parts[r].v[0], b_parts[r].v[1], b_lo);
    Split a;
    for (uint32_t c = 0; c < ct; ++c) {
        const Span a_span = split_tile(in1[c].data(), kAHiMask, kAAllMask, a.v[0], a.v[1], a_lo);
        // The next column's operand and Dst tiles were last written on another thread (the
        // unpacker, the packer's clear): fetch them while this column computes.
        if (c + 1 < ct) {
            prefetch_tile(in1[c + 1]);
            for (uint32_t r = 0; r < rt; ++r) prefetch_tile(*dst[r * ct + c + 1]);
        }
        for (uint32_t r = 0; r < rt; ++r) {
            Tile& d = *dst[r * ct + c];
            if (a_span.finite() && b_span[r].finite()) {
                product512<MR>(a.v, b_parts[r].v, a_span, b_span[r], d, phases, dst_fp32);
            } else {
                Tile t0, t1;
                matmul_tile_reference(as_tile(in0[r], t0), as_tile(in1[c], t1), d, phases, dst_fp32,
                                      false);
            }
        }
    }
}

// AVX2: 16 ymm registers, 2 x 4 accumulators. AVX-512VL: 32, 4 x 4 (same 256-bit FMAs, which is
// what the Zen 4 and most Intel cores execute at full rate).
__attribute__((target("avx2,fma"))) void matmul_avx2(const Tile& in0, const Tile& in1, Tile& dst,
                                                     int phases, bool dst_fp32, bool transpose) {
    matmul_parts<2, 4>(in0, in1, dst, phases, dst_fp32, transpose);
}
__attribute__((target("avx512f,avx512vl,avx2,fma"))) void matmul_avx512(const Tile& in0,
                                                                        const Tile& in1, Tile& dst,
                                                                        int phases, bool dst_fp32,
                                                                        bool transpose) {
    matmul_parts<4, 4>(in0, in1, dst, phases, dst_fp32, transpose);
}
__attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))) void matmul_zmm(
    const Tile& in0, const Tile& in1, Tile& dst, int phases, bool dst_fp32, bool transpose) {
    matmul_parts512<4>(in0, in1, dst, phases, dst_fp32, transpose);
}
__attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))) void matmul_many_zmm(
    const Tile* in0, uint32_t rt, const Tile* in1, uint32_t ct, Tile* const* dst, int phases,
    bool dst_fp32) {
    matmul_many512<4>(in0, rt, in1, ct, dst, phases, dst_fp32);
}
__attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))) void matmul_many_bf16_zmm(
    const Bf16Tile* in0, uint32_t rt, const Bf16Tile* in1, uint32_t ct, Tile* const* dst,
    int phases, bool dst_fp32) {
    matmul_many512<4>(in0, rt, in1, ct, dst, phases, dst_fp32);
}
#pragma GCC diagnostic pop

// matmul_tiles_bf16 for builds without a bf16 kernel of their own: decode, then F.
template <MatmulTileVariant::ManyFn F>
void decoded(const Bf16Tile* in0, uint32_t rt, const Bf16Tile* in1, uint32_t ct, Tile* const* dst,
             int phases, bool dst_fp32) {
    // Grown, never shrunk: a job's tiles are decoded into storage kept from earlier jobs.
    thread_local std::vector<Tile> t0, t1;
    if (t0.size() < rt) t0.resize(rt);
    if (t1.size() < ct) t1.resize(ct);
    for (uint32_t r = 0; r < rt; ++r) as_tile(in0[r], t0[r]);
    for (uint32_t c = 0; c < ct; ++c) as_tile(in1[c], t1[c]);
    F(t0.data(), rt, t1.data(), ct, dst, phases, dst_fp32);
}

// matmul_tiles as matmul_tile on each pair, for builds without a multi-tile kernel of their own.
template <MatmulTileVariant::Fn F>
void per_pair(const Tile* in0, uint32_t rt, const Tile* in1, uint32_t ct, Tile* const* dst,
              int phases, bool dst_fp32) {
    for (uint32_t r = 0; r < rt; ++r)
        for (uint32_t c = 0; c < ct; ++c) {
            Tile& d = *dst[r * ct + c];
            if (all_finite(in0[r]) && all_finite(in1[c]))
                F(in0[r], in1[c], d, phases, dst_fp32, false);
            else
                matmul_tile_reference(in0[r], in1[c], d, phases, dst_fp32, false);
        }
}

}  // namespace

std::vector<MatmulTileVariant> matmul_tile_variants() {
    __builtin_cpu_init();
    std::vector<MatmulTileVariant> v;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
        v.push_back({"avx512-zmm", matmul_zmm, matmul_many_zmm, matmul_many_bf16_zmm});
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        v.push_back(
            {"avx512", matmul_avx512, per_pair<matmul_avx512>, decoded<per_pair<matmul_avx512>>});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        v.push_back({"avx2", matmul_avx2, per_pair<matmul_avx2>, decoded<per_pair<matmul_avx2>>});
    v.push_back({"reference", matmul_tile_reference, per_pair<matmul_tile_reference>,
                 decoded<per_pair<matmul_tile_reference>>});
    return v;
}

}  // namespace tensim::numerics
