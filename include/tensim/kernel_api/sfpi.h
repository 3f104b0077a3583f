// SFPI, the SFPU's C++ vector language, emulated for tensim: vFloat / vInt / vUInt hold the 32
// lanes of one LReg, dst_reg[] reads and writes 32 datums of Dst the way SFPLOAD/SFPSTORE address
// them on Wormhole, v_if / v_elseif / v_else / v_endif keep the per-lane enable flags, and each
// operation counts the SFPU instructions it stands for (tensim_sfpi.h classes), which the LLK
// params helpers (llk_sfpu_tensim.h) charge per call. Modelled: lanes, the Dst row/column
// pattern, predication of every register and Dst write, fp32 lane arithmetic with denormals
// flushed, bf16 truncation on store when Dst is 16-bit. Abstracted: LReg allocation (a value
// never spills), SFPLOADMACRO, the compiler's fusion of a*b+c into one SFPMAD (counted as two).
// Numbers and semantics: tt-isa-documentation WormholeB0 VectorUnit.md, SFPLOAD.md, SFPSTORE.md.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tensim_sfpi.h"

namespace sfpi {

namespace detail {

using tensim::abi::SfpiClass;
inline constexpr int kLanes = 32;
inline constexpr uint32_t kAllLanes = 0xffffffffu;
inline constexpr uint32_t kDstTileRows = 64;  // raw Dst rows per 32x32 tile (4 faces x 16)
inline constexpr uint32_t kDstStride = 2;     // raw Dst address step of one dst_reg index

// One kernel's SFPU state between _llk_math_eltwise_*_sfpu_start_ and _done_. A kernel's code
// runs on one simulated TRISC at a time and never yields inside an SFPU call, so one state per
// kernel image is enough.
struct State {
    uint32_t enabled = kAllLanes;  // LaneEnabled: the predication flags in force
    uint32_t dst = 0;              // Dst RWC: the raw row address dst_reg[0] reads
    uint32_t dst_carry = 0;        // the RWC carry the params helpers step faces from
    int fp32 = -1;                 // Dst keeps fp32 (1) or bf16 (0); -1 until asked
    float prgm[3] = {0, 0, 0};     // vConstFloatPrgm0..2
    tensim::abi::SfpiCounts counts;
};
inline State& state() {
    static State s;
    return s;
}
inline void count(SfpiClass c, uint32_t n = 1) { state().counts.n[int(c)] += n; }
inline bool dst_fp32() {
    State& s = state();
    if (s.fp32 < 0) s.fp32 = tensim::kapi::sfpi_dst_fp32() ? 1 : 0;
    return s.fp32 == 1;
}

inline uint32_t bits(float f) { return __builtin_bit_cast(uint32_t, f); }
inline float from_bits(uint32_t u) { return __builtin_bit_cast(float, u); }
// The SFPU flushes denormal inputs and results to signed zero.
inline float ftz(float f) {
    const uint32_t u = bits(f);
    return (u & 0x7f800000u) == 0 ? from_bits(u & 0x80000000u) : f;
}
// Whether `f` fits an Imm16 as bf16 (SFPLOADI / SFPADDI / SFPMULI take one 16-bit immediate).
inline bool bf16_exact(float f) { return (bits(f) & 0xffffu) == 0; }
// Constants the SFPU holds in its constant LRegs: free to read.
inline bool const_reg(float f) { return f == 0.0f || f == 1.0f || f == -1.0f; }
inline void count_immediate(float f) {
    if (!const_reg(f)) count(SfpiClass::loadi, bf16_exact(f) ? 1 : 2);
}

// Where lane `lane` of an SFPLOAD/SFPSTORE at raw address `addr` sits: the top bits pick a group
// of four rows, bit 1 the even or odd columns (SFPLOAD.md functional model).
inline void locate(uint32_t addr, int lane, uint32_t& tile, uint32_t& index) {
    tile = addr / kDstTileRows;
    const uint32_t row = (addr % kDstTileRows & ~3u) + uint32_t(lane / 8);
    const uint32_t col = uint32_t(lane & 7) * 2 + ((addr & 2) ? 1 : 0);
    index = row * 16 + col;  // tile order: faces of 16 rows x 16 columns, row-major
}

struct Lanes {
    uint32_t u[kLanes];
};

}  // namespace detail

class vFloat;
class vInt;
class vUInt;

// A lane mask: the lanes where a comparison held.
struct vCond {
    uint32_t mask = 0;
    friend vCond operator&&(vCond a, vCond b) { return {a.mask & b.mask}; }
    friend vCond operator||(vCond a, vCond b) { return {a.mask | b.mask}; }
    friend vCond operator!(vCond a) { return {~a.mask}; }
};

// One row of dst_reg: 32 datums of Dst at raw address `addr`.
struct DstRef {
    uint32_t addr;
    detail::Lanes load_bits() const;
    void store_bits(const detail::Lanes& v, bool is_int) const;
    DstRef& operator=(const vFloat& v);
    DstRef& operator=(const vInt& v);
    DstRef& operator=(const vUInt& v);
    DstRef& operator=(const DstRef& o);
    DstRef& operator=(float f);
};

struct DstReg {
    DstRef operator[](uint32_t i) const {
        return DstRef{detail::state().dst + i * detail::kDstStride};
    }
    // dst_reg++: INCRWC, the next 32 datums (two raw rows further).
    void operator++(int) { detail::state().dst += detail::kDstStride; }
    void operator++() { detail::state().dst += detail::kDstStride; }
    void operator+=(uint32_t n) { detail::state().dst += n * detail::kDstStride; }
};
inline DstReg dst_reg;

// Common base: 32 lanes of raw bits; every write to a live value honours the lane flags.
class vBase {
public:
    detail::Lanes v;
    uint32_t& lane(int i) { return v.u[i]; }
    uint32_t lane(int i) const { return v.u[i]; }

protected:
    void assign(const detail::Lanes& o) {
        const uint32_t m = detail::state().enabled;
        for (int i = 0; i < detail::kLanes; ++i)
            if (m >> i & 1) v.u[i] = o.u[i];
    }
};

class vFloat : public vBase {
public:
    vFloat() : vBase{} {}
    vFloat(float f) {  // NOLINT: SFPI converts float constants implicitly
        detail::count_immediate(f);
        for (uint32_t& u : v.u) u = detail::bits(f);
    }
    vFloat(double f) : vFloat(float(f)) {}          // NOLINT
    vFloat(const DstRef& d) { v = d.load_bits(); }  // NOLINT
    vFloat(const vFloat&) = default;
    vFloat& operator=(const vFloat& o) {
        if (this != &o) assign(o.v);
        return *this;
    }
    vFloat& operator=(float f) { return *this = vFloat(f); }
    vFloat& operator=(const DstRef& d) { return *this = vFloat(d); }
    float f(int i) const { return detail::from_bits(v.u[i]); }
    static vFloat raw(const detail::Lanes& l) {
        vFloat r;
        r.v = l;
        return r;
    }
    template <class Op>
    static vFloat map(const vFloat& a, const vFloat& b, Op op) {
        vFloat r;
        for (int i = 0; i < detail::kLanes; ++i)
            r.v.u[i] = detail::bits(detail::ftz(op(detail::ftz(a.f(i)), detail::ftz(b.f(i)))));
        return r;
    }
    vFloat operator-() const;  // SFPMOV with sign flip
    vFloat& operator+=(const vFloat& o);
    vFloat& operator-=(const vFloat& o);
    vFloat& operator*=(const vFloat& o);
};

// Two's complement 32-bit integer lanes (SFPIADD, shifts, bitwise ops).
class vInt : public vBase {
public:
    vInt() : vBase{} {}
    vInt(int32_t x) {  // NOLINT
        detail::count(detail::SfpiClass::loadi, (x >= -32768 && x <= 32767) ? 1 : 2);
        for (uint32_t& u : v.u) u = uint32_t(x);
    }
    // tensim's Dst holds values: an integer load gives the integer the datum holds.
    vInt(const DstRef& d) {  // NOLINT
        const detail::Lanes l = d.load_bits();
        for (int i = 0; i < detail::kLanes; ++i)
            v.u[i] = uint32_t(int32_t(std::lrint(detail::from_bits(l.u[i]))));
    }
    vInt(const vInt&) = default;
    vInt(const vUInt& u);  // NOLINT: same bits
    vInt& operator=(const vInt& o) {
        if (this != &o) assign(o.v);
        return *this;
    }
    vInt& operator=(int32_t x) { return *this = vInt(x); }
    int32_t i(int k) const { return int32_t(v.u[k]); }
    static vInt raw(const detail::Lanes& l) {
        vInt r;
        r.v = l;
        return r;
    }
    vInt& operator+=(const vInt& o);
    vInt& operator-=(const vInt& o);
    vInt& operator&=(const vInt& o);
    vInt& operator|=(const vInt& o);
    vInt& operator^=(const vInt& o);
    vInt& operator<<=(uint32_t n);
    vInt& operator>>=(uint32_t n);
};

class vUInt : public vBase {
public:
    vUInt() : vBase{} {}
    vUInt(uint32_t x) {  // NOLINT
        detail::count(detail::SfpiClass::loadi, x <= 0xffffu ? 1 : 2);
        for (uint32_t& u : v.u) u = x;
    }
    vUInt(int32_t x) : vUInt(uint32_t(x)) {}    // NOLINT
    vUInt(const DstRef& d) : vUInt(vInt(d)) {}  // NOLINT
    vUInt(const vUInt&) = default;
    vUInt(const vInt& o) { v = o.v; }  // NOLINT: same bits
    vUInt& operator=(const vUInt& o) {
        if (this != &o) assign(o.v);
        return *this;
    }
    static vUInt raw(const detail::Lanes& l) {
        vUInt r;
        r.v = l;
        return r;
    }
    vUInt& operator+=(const vUInt& o);
    vUInt& operator-=(const vUInt& o);
    vUInt& operator&=(const vUInt& o);
    vUInt& operator|=(const vUInt& o);
    vUInt& operator^=(const vUInt& o);
    vUInt& operator<<=(uint32_t n);
    vUInt& operator>>=(uint32_t n);
};

inline vInt::vInt(const vUInt& u) { v = u.v; }

// ---- Dst access ---------------------------------------------------------------------------------

inline detail::Lanes DstRef::load_bits() const {
    detail::count(detail::SfpiClass::load);
    detail::Lanes out{};
    uint32_t tile = ~0u, index = 0;
    const float* data = nullptr;
    for (int lane = 0; lane < detail::kLanes; ++lane) {
        uint32_t t;
        detail::locate(addr, lane, t, index);
        if (t != tile) data = tensim::kapi::sfpi_dst_tile(tile = t, tensim::kapi::Loc::current());
        out.u[lane] = detail::bits(data[index]);
    }
    return out;
}

inline void DstRef::store_bits(const detail::Lanes& v, bool is_int) const {
    detail::count(detail::SfpiClass::store);
    const uint32_t m = detail::state().enabled;
    // SFPSTORE to a 16-bit Dst: denormals flush, the mantissa truncates toward zero.
    const uint32_t keep = detail::dst_fp32() ? 0xffffffffu : 0xffff0000u;
    uint32_t tile = ~0u, index = 0;
    float* data = nullptr;
    for (int lane = 0; lane < detail::kLanes; ++lane) {
        if (!(m >> lane & 1)) continue;
        uint32_t t;
        detail::locate(addr, lane, t, index);
        if (t != tile) data = tensim::kapi::sfpi_dst_tile(tile = t, tensim::kapi::Loc::current());
        float x = is_int ? float(int32_t(v.u[lane])) : detail::from_bits(v.u[lane]);
        x = detail::from_bits(detail::bits(detail::ftz(x)) & keep);
        data[index] = x;
    }
}

inline DstRef& DstRef::operator=(const vFloat& x) {
    store_bits(x.v, false);
    return *this;
}
inline DstRef& DstRef::operator=(const vInt& x) {
    store_bits(x.v, true);
    return *this;
}
inline DstRef& DstRef::operator=(const vUInt& x) {
    store_bits(x.v, true);
    return *this;
}
inline DstRef& DstRef::operator=(const DstRef& o) { return *this = vFloat(o); }
inline DstRef& DstRef::operator=(float f) { return *this = vFloat(f); }

// ---- float arithmetic (the MAD unit) ------------------------------------------------------------

inline vFloat operator+(const vFloat& a, const vFloat& b) {
    detail::count(detail::SfpiClass::mad);
    return vFloat::map(a, b, [](float x, float y) { return x + y; });
}
inline vFloat operator-(const vFloat& a, const vFloat& b) {
    detail::count(detail::SfpiClass::mad);
    return vFloat::map(a, b, [](float x, float y) { return x - y; });
}
inline vFloat operator*(const vFloat& a, const vFloat& b) {
    detail::count(detail::SfpiClass::mad);
    return vFloat::map(a, b, [](float x, float y) { return x * y; });
}
// Mixed with float constants and Dst rows (without these, a float would convert to vInt too).
#define TENSIM_SFPI_MIXED(op)                                                              \
    inline vFloat operator op(const vFloat& a, float b) { return a op vFloat(b); }         \
    inline vFloat operator op(float a, const vFloat& b) { return vFloat(a) op b; }         \
    inline vFloat operator op(const DstRef& a, float b) { return vFloat(a) op vFloat(b); } \
    inline vFloat operator op(float a, const DstRef& b) { return vFloat(a) op vFloat(b); } \
    inline vFloat operator op(const DstRef& a, const vFloat& b) { return vFloat(a) op b; } \
    inline vFloat operator op(const vFloat& a, const DstRef& b) { return a op vFloat(b); }
TENSIM_SFPI_MIXED(+)
TENSIM_SFPI_MIXED(-)
TENSIM_SFPI_MIXED(*)
#undef TENSIM_SFPI_MIXED
inline vFloat vFloat::operator-() const {
    detail::count(detail::SfpiClass::simple);
    vFloat r = *this;
    for (uint32_t& u : r.v.u) u ^= 0x80000000u;
    return r;
}
inline vFloat& vFloat::operator+=(const vFloat& o) { return *this = *this + o; }
inline vFloat& vFloat::operator-=(const vFloat& o) { return *this = *this - o; }
inline vFloat& vFloat::operator*=(const vFloat& o) { return *this = *this * o; }

// ---- integer arithmetic and bit operations (the simple unit) ------------------------------------

#define TENSIM_SFPI_INT_OP(T, op, expr)                  \
    inline T operator op(const T& a, const T& b) {       \
        detail::count(detail::SfpiClass::simple);        \
        detail::Lanes r;                                 \
        for (int i = 0; i < detail::kLanes; ++i) {       \
            const uint32_t x = a.lane(i), y = b.lane(i); \
            r.u[i] = (expr);                             \
        }                                                \
        return T::raw(r);                                \
    }                                                    \
    inline T& T::operator op##=(const T& o) { return *this = *this op o; }
TENSIM_SFPI_INT_OP(vInt, +, x + y)
TENSIM_SFPI_INT_OP(vInt, -, x - y)
TENSIM_SFPI_INT_OP(vInt, &, x& y)
TENSIM_SFPI_INT_OP(vInt, |, x | y)
TENSIM_SFPI_INT_OP(vInt, ^, x ^ y)
TENSIM_SFPI_INT_OP(vUInt, +, x + y)
TENSIM_SFPI_INT_OP(vUInt, -, x - y)
TENSIM_SFPI_INT_OP(vUInt, &, x& y)
TENSIM_SFPI_INT_OP(vUInt, |, x | y)
TENSIM_SFPI_INT_OP(vUInt, ^, x ^ y)
#undef TENSIM_SFPI_INT_OP

template <class T>
inline T tensim_shift(const T& a, uint32_t n, bool left) {
    detail::count(detail::SfpiClass::simple);
    detail::Lanes r;
    for (int i = 0; i < detail::kLanes; ++i)
        r.u[i] = n >= 32 ? 0 : left ? a.lane(i) << n : a.lane(i) >> n;  // SFPSHFT: logical
    return T::raw(r);
}
inline vInt operator<<(const vInt& a, uint32_t n) { return tensim_shift(a, n, true); }
inline vInt operator>>(const vInt& a, uint32_t n) { return tensim_shift(a, n, false); }
inline vUInt operator<<(const vUInt& a, uint32_t n) { return tensim_shift(a, n, true); }
inline vUInt operator>>(const vUInt& a, uint32_t n) { return tensim_shift(a, n, false); }
inline vInt& vInt::operator<<=(uint32_t n) { return *this = *this << n; }
inline vInt& vInt::operator>>=(uint32_t n) { return *this = *this >> n; }
inline vUInt& vUInt::operator<<=(uint32_t n) { return *this = *this << n; }
inline vUInt& vUInt::operator>>=(uint32_t n) { return *this = *this >> n; }
inline vInt operator~(const vInt& a) {
    detail::count(detail::SfpiClass::simple);
    detail::Lanes r;
    for (int i = 0; i < detail::kLanes; ++i) r.u[i] = ~a.lane(i);
    return vInt::raw(r);
}
inline vUInt operator~(const vUInt& a) { return vUInt(~vInt(a)); }

// ---- comparisons: a subtraction (when neither side is zero) and SFPSETCC ------------------------

namespace detail {
enum class Cmp { lt, le, gt, ge, eq, ne };
inline bool holds(Cmp c, float d) {
    switch (c) {
        case Cmp::lt:
            return d < 0;
        case Cmp::le:
            return d <= 0;
        case Cmp::gt:
            return d > 0;
        case Cmp::ge:
            return d >= 0;
        case Cmp::eq:
            return d == 0;
        case Cmp::ne:
            return d != 0;
    }
    return false;
}
// SFPSETCC tests one sign/zero condition; > and <= need two (sign and zero).
inline uint32_t setcc_count(Cmp c) { return c == Cmp::gt || c == Cmp::le ? 2 : 1; }
inline vCond compare(const vFloat& a, const vFloat& b, Cmp c, bool b_is_zero) {
    if (!b_is_zero) count(SfpiClass::mad);
    count(SfpiClass::cc, setcc_count(c));
    vCond r;
    for (int i = 0; i < kLanes; ++i)
        if (holds(c, ftz(a.f(i)) - ftz(b.f(i)))) r.mask |= 1u << i;
    return r;
}
template <class T>
inline vCond compare_int(const T& a, const T& b, Cmp c) {
    count(SfpiClass::simple);
    count(SfpiClass::cc, setcc_count(c));
    vCond r;
    for (int i = 0; i < kLanes; ++i) {
        const int64_t x = std::is_same_v<T, vInt> ? int64_t(int32_t(a.lane(i))) : a.lane(i);
        const int64_t y = std::is_same_v<T, vInt> ? int64_t(int32_t(b.lane(i))) : b.lane(i);
        if (holds(c, x < y ? -1.0f : x > y ? 1.0f : 0.0f)) r.mask |= 1u << i;
    }
    return r;
}
}  // namespace detail

#define TENSIM_SFPI_CMP(op, c)                                                           \
    inline vCond operator op(const vFloat& a, const vFloat& b) {                         \
        return detail::compare(a, b, detail::Cmp::c, false);                             \
    }                                                                                    \
    inline vCond operator op(const vFloat& a, float b) {                                 \
        if (b == 0.0f) return detail::compare(a, vFloat::raw({}), detail::Cmp::c, true); \
        return detail::compare(a, vFloat(b), detail::Cmp::c, false);                     \
    }                                                                                    \
    inline vCond operator op(const DstRef& a, float b) { return vFloat(a) op b; }        \
    inline vCond operator op(const vInt& a, const vInt& b) {                             \
        return detail::compare_int(a, b, detail::Cmp::c);                                \
    }                                                                                    \
    inline vCond operator op(const vInt& a, int32_t b) { return a op vInt(b); }          \
    inline vCond operator op(const vUInt& a, const vUInt& b) {                           \
        return detail::compare_int(a, b, detail::Cmp::c);                                \
    }                                                                                    \
    inline vCond operator op(const vUInt& a, uint32_t b) { return a op vUInt(b); }       \
    inline vCond operator op(const vUInt& a, int32_t b) { return a op vUInt(b); }
TENSIM_SFPI_CMP(<, lt)
TENSIM_SFPI_CMP(<=, le)
TENSIM_SFPI_CMP(>, gt)
TENSIM_SFPI_CMP(>=, ge)
TENSIM_SFPI_CMP(==, eq)
TENSIM_SFPI_CMP(!=, ne)
#undef TENSIM_SFPI_CMP

// ---- lane predication ---------------------------------------------------------------------------

namespace detail {
// One v_if ... v_endif (or v_block): the flags in force outside, and the lanes an earlier branch
// took. SFPPUSHC on entry, SFPCOMPC per further branch, SFPPOPC at the end.
class CcScope {
public:
    CcScope() : m_outer(state().enabled) { count(SfpiClass::cc); }
    ~CcScope() {
        state().enabled = m_outer;
        count(SfpiClass::cc, m_pushes);
    }
    CcScope(const CcScope&) = delete;
    CcScope& operator=(const CcScope&) = delete;
    void cc_if(vCond c) {
        m_taken = m_outer & c.mask;
        state().enabled = m_taken;
    }
    void cc_elseif(vCond c) {
        count(SfpiClass::cc, 2);  // SFPCOMPC, SFPPUSHC
        ++m_pushes;
        const uint32_t now = m_outer & ~m_taken & c.mask;
        m_taken |= now;
        state().enabled = now;
    }
    void cc_else() {
        count(SfpiClass::cc);  // SFPCOMPC
        state().enabled = m_outer & ~m_taken;
    }
    void cc_and(vCond c) { state().enabled &= c.mask; }

private:
    uint32_t m_outer;
    uint32_t m_taken = 0;
    uint32_t m_pushes = 1;
};
}  // namespace detail

// ---- constant registers -------------------------------------------------------------------------

// A constant LReg: fixed (0, 1, -1, 0.8373, the lane ids) or programmable (SFPCONFIG).
struct vConst {
    int id;
    operator vFloat() const;  // NOLINT
    vConst& operator=(float f) {
        detail::count_immediate(f);
        detail::count(detail::SfpiClass::simple);  // SFPCONFIG
        if (id >= 0 && id < 3) detail::state().prgm[id] = f;
        return *this;
    }
    vConst& operator=(const vFloat& f) { return *this = f.f(0); }
};
inline vConst::operator vFloat() const {
    float c = 0;
    switch (id) {
        case 0:
        case 1:
        case 2:
            c = detail::state().prgm[id];
            break;
        case 10:
            c = 0.0f;
            break;
        case 11:
            c = 1.0f;
            break;
        case 12:
            c = -1.0f;
            break;
        case 13:
            c = 0.8373f;
            break;
        default:
            break;
    }
    detail::Lanes l;
    for (int i = 0; i < detail::kLanes; ++i)
        l.u[i] = id == 15 ? uint32_t(i * 2) : detail::bits(c);  // vConstTileId: lane id x 2
    return vFloat::raw(l);
}
inline vConst vConstFloatPrgm0{0}, vConstFloatPrgm1{1}, vConstFloatPrgm2{2};
inline vConst vConstIntPrgm0{0}, vConstIntPrgm1{1}, vConstIntPrgm2{2};
inline const vConst vConst0{10}, vConst1{11}, vConstNeg1{12}, vConst0p8373{13};
inline const vConst vConstTileId{15};

#define TENSIM_SFPI_CONST_OPS(op)                                                          \
    inline vFloat operator op(const vConst& a, const vFloat& b) { return vFloat(a) op b; } \
    inline vFloat operator op(const vFloat& a, const vConst& b) { return a op vFloat(b); } \
    inline vFloat operator op(const DstRef& a, const DstRef& b) { return vFloat(a) op vFloat(b); }
TENSIM_SFPI_CONST_OPS(+)
TENSIM_SFPI_CONST_OPS(-)
TENSIM_SFPI_CONST_OPS(*)
#undef TENSIM_SFPI_CONST_OPS

}  // namespace sfpi

// The predication macros, as SFPI spells them.
#define v_if(cond)                         \
    {                                      \
        ::sfpi::detail::CcScope tensim_cc; \
        tensim_cc.cc_if(cond);             \
        {
#define v_elseif(cond)         \
    }                          \
    tensim_cc.cc_elseif(cond); \
    {
#define v_else           \
    }                    \
    tensim_cc.cc_else(); \
    {
#define v_endif \
    }           \
    }
#define v_block                            \
    {                                      \
        ::sfpi::detail::CcScope tensim_cc; \
        {
#define v_and(cond) tensim_cc.cc_and(cond)
#define v_endblock \
    }              \
    }

#include "sfpi_lib.h"
