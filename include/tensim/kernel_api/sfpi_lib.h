// SFPI's intrinsics for tensim's emulation (sfpi.h): sign, exponent and mantissa fields, integer
// and format conversions, min/max, reinterpretation. Each counts the SFPU instruction it stands
// for (VectorUnit.md: field manipulation, SFPCAST and SFPSTOCHRND are simple-unit ops, SFPSWAP
// runs on the MAD unit's timing). Rounding to bf16/fp16/integers is to nearest, ties to even; the
// stochastic mode (round_mode 1) rounds the same way, so results are deterministic.
#pragma once
#include <cmath>

#include "sfpi.h"

namespace sfpi {

namespace detail {
template <class T, class F>
inline T lanewise(const vBase& a, F f, SfpiClass c = SfpiClass::simple) {
    count(c);
    Lanes r;
    for (int i = 0; i < kLanes; ++i) r.u[i] = f(a.lane(i));
    return T::raw(r);
}
inline uint32_t round_mantissa(uint32_t u, int keep_bits) {
    if ((u & 0x7f800000u) == 0x7f800000u) return u;  // inf / NaN unchanged
    const int drop = 23 - keep_bits;
    const uint32_t half = 1u << (drop - 1), lsb = (u >> drop) & 1u;
    return (u + half - 1 + lsb) & ~((1u << drop) - 1);
}
inline int32_t to_int(float f, float lo, float hi) {
    if (std::isnan(f)) return 0;
    return int32_t(std::nearbyint(std::fmin(std::fmax(f, lo), hi)));
}
}  // namespace detail

template <class To, class From>
inline To reinterpret(const From& x) {
    return To::raw(x.v);
}

// ---- sign, exponent, mantissa -------------------------------------------------------------------

inline vFloat abs(const vFloat& a) {
    return detail::lanewise<vFloat>(a, [](uint32_t u) {
        return (u & 0x7fffffffu) > 0x7f800000u ? u : u & 0x7fffffffu;  // NaN stays as it is
    });
}
inline vInt abs(const vInt& a) {
    return detail::lanewise<vInt>(
        a, [](uint32_t u) { return int32_t(u) == INT32_MIN ? u : uint32_t(std::abs(int32_t(u))); });
}
inline vFloat setsgn(const vFloat& a, int sign) {
    return detail::lanewise<vFloat>(
        a, [sign](uint32_t u) { return (u & 0x7fffffffu) | (uint32_t(sign & 1) << 31); });
}
inline vFloat setsgn(const vFloat& a, const vBase& sign_of) {
    detail::count(detail::SfpiClass::simple);
    detail::Lanes r;
    for (int i = 0; i < detail::kLanes; ++i)
        r.u[i] = (a.lane(i) & 0x7fffffffu) | (sign_of.lane(i) & 0x80000000u);
    return vFloat::raw(r);
}
// The biased exponent minus 127 (SFPEXEXP), or as it is stored (exexp_nodebias).
inline vInt exexp(const vFloat& a) {
    return detail::lanewise<vInt>(a, [](uint32_t u) { return ((u >> 23) & 0xffu) - 127u; });
}
inline vInt exexp_nodebias(const vFloat& a) {
    return detail::lanewise<vInt>(a, [](uint32_t u) { return (u >> 23) & 0xffu; });
}
// The 23-bit mantissa with its hidden one (exman8) or without (exman9) (SFPEXMAN).
inline vInt exman8(const vFloat& a) {
    return detail::lanewise<vInt>(a, [](uint32_t u) { return (u & 0x7fffffu) | 0x800000u; });
}
inline vInt exman9(const vFloat& a) {
    return detail::lanewise<vInt>(a, [](uint32_t u) { return u & 0x7fffffu; });
}
inline vFloat setexp(const vFloat& a, uint32_t e) {
    return detail::lanewise<vFloat>(
        a, [e](uint32_t u) { return (u & 0x807fffffu) | ((e & 0xffu) << 23); });
}
inline vFloat setexp(const vFloat& a, const vBase& e) {
    detail::count(detail::SfpiClass::simple);
    detail::Lanes r;
    for (int i = 0; i < detail::kLanes; ++i)
        r.u[i] = (a.lane(i) & 0x807fffffu) | ((e.lane(i) & 0xffu) << 23);
    return vFloat::raw(r);
}
inline vFloat setman(const vFloat& a, uint32_t m) {
    return detail::lanewise<vFloat>(
        a, [m](uint32_t u) { return (u & 0xff800000u) | (m & 0x7fffffu); });
}
inline vFloat setman(const vFloat& a, const vBase& m) {
    detail::count(detail::SfpiClass::simple);
    detail::Lanes r;
    for (int i = 0; i < detail::kLanes; ++i)
        r.u[i] = (a.lane(i) & 0xff800000u) | (m.lane(i) & 0x7fffffu);
    return vFloat::raw(r);
}
// a * 2^n by the exponent field (SFPDIVP2); NaN and infinity unchanged.
inline vFloat addexp(const vFloat& a, int n) {
    return detail::lanewise<vFloat>(a, [n](uint32_t u) {
        const uint32_t e = (u >> 23) & 0xffu;
        if (e == 0xffu) return u;
        return (u & 0x807fffffu) | ((uint32_t(int(e) + n) & 0xffu) << 23);
    });
}
// Leading zeros of the 32-bit pattern (SFPLZ); 32 for zero.
inline vInt lz(const vBase& a) {
    return detail::lanewise<vInt>(a,
                                  [](uint32_t u) { return u ? uint32_t(__builtin_clz(u)) : 32u; });
}

// ---- conversions --------------------------------------------------------------------------------

inline vFloat int32_to_float(const vInt& a, int = 0) {
    return detail::lanewise<vFloat>(
        a, [](uint32_t u) { return detail::bits(detail::ftz(float(int32_t(u)))); });
}
inline vFloat int32_to_float(const vUInt& a, int round_mode = 0) {
    return int32_to_float(vInt(a), round_mode);
}
inline vFloat float_to_fp16b(const vFloat& a, int = 0) {
    return detail::lanewise<vFloat>(a, [](uint32_t u) { return detail::round_mantissa(u, 7); });
}
inline vFloat float_to_fp16a(const vFloat& a, int = 0) {
    return detail::lanewise<vFloat>(a, [](uint32_t u) { return detail::round_mantissa(u, 10); });
}
inline vInt float_to_int16(const vFloat& a, int = 0) {
    return detail::lanewise<vInt>(a, [](uint32_t u) {
        return uint32_t(detail::to_int(detail::from_bits(u), -32767, 32767));
    });
}
inline vUInt float_to_uint16(const vFloat& a, int = 0) {
    return detail::lanewise<vUInt>(
        a, [](uint32_t u) { return uint32_t(detail::to_int(detail::from_bits(u), 0, 65535)); });
}
inline vInt float_to_int8(const vFloat& a, int = 0) {
    return detail::lanewise<vInt>(
        a, [](uint32_t u) { return uint32_t(detail::to_int(detail::from_bits(u), -127, 127)); });
}
inline vUInt float_to_uint8(const vFloat& a, int = 0) {
    return detail::lanewise<vUInt>(
        a, [](uint32_t u) { return uint32_t(detail::to_int(detail::from_bits(u), 0, 255)); });
}
// A float constant rounded to bf16 (s2vFloat16b) or fp16 (s2vFloat16a) as SFPLOADI takes it.
inline vFloat s2vFloat16b(float f) {
    return vFloat(detail::from_bits(detail::round_mantissa(detail::bits(f), 7)));
}
inline vFloat s2vFloat16a(float f) {
    return vFloat(detail::from_bits(detail::round_mantissa(detail::bits(f), 10)));
}

// a = min(a, b), b = max(a, b) per lane (SFPSWAP), under the lane flags.
inline void vec_min_max(vFloat& a, vFloat& b) {
    detail::count(detail::SfpiClass::mad);
    detail::Lanes lo, hi;
    for (int i = 0; i < detail::kLanes; ++i) {
        const float x = a.f(i), y = b.f(i);
        lo.u[i] = detail::bits(std::fmin(x, y));
        hi.u[i] = detail::bits(std::fmax(x, y));
    }
    const uint32_t m = detail::state().enabled;
    for (int i = 0; i < detail::kLanes; ++i)
        if (m >> i & 1) a.lane(i) = lo.u[i], b.lane(i) = hi.u[i];
}

}  // namespace sfpi
