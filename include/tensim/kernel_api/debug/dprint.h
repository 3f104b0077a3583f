// DPRINT for kernels: `DPRINT << "x=" << x << ENDL();`. Text is collected per RISC thread and
// printed at ENDL, tagged with chip, core, RISC and cycle.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "../tensim_kernel.h"

struct ENDL {};
struct SETW {
    int w;
    explicit SETW(int w_) : w(w_) {}
};
struct SETPRECISION {
    int p;
    explicit SETPRECISION(int p_) : p(p_) {}
};
struct FIXED {};
struct DEFAULTFLOAT {};
struct HEX {};
struct DEC {};
struct OCT {};
struct BF16 {
    uint16_t v;
    explicit BF16(uint16_t v_) : v(v_) {}
};
struct F32 {
    float v;
    explicit F32(float v_) : v(v_) {}
};
struct U32 {
    uint32_t v;
    explicit U32(uint32_t v_) : v(v_) {}
};

namespace tensim::kapi {
class DebugPrinter {
public:
    DebugPrinter& operator<<(const char* s) { return put(s, std::strlen(s)); }
    DebugPrinter& operator<<(char c) { return put(&c, 1); }
    DebugPrinter& operator<<(ENDL) { return put("\n", 1); }
    DebugPrinter& operator<<(SETW w) {
        m_width = w.w;
        return *this;
    }
    DebugPrinter& operator<<(SETPRECISION p) {
        m_precision = p.p;
        return *this;
    }
    DebugPrinter& operator<<(FIXED) {
        m_fixed = true;
        return *this;
    }
    DebugPrinter& operator<<(DEFAULTFLOAT) {
        m_fixed = false;
        return *this;
    }
    DebugPrinter& operator<<(HEX) {
        m_base = 16;
        return *this;
    }
    DebugPrinter& operator<<(DEC) {
        m_base = 10;
        return *this;
    }
    DebugPrinter& operator<<(OCT) {
        m_base = 8;
        return *this;
    }
    DebugPrinter& operator<<(BF16 b) {
        uint32_t bits = uint32_t(b.v) << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        return *this << f;
    }
    DebugPrinter& operator<<(F32 f) { return *this << f.v; }
    DebugPrinter& operator<<(U32 u) { return *this << u.v; }
    DebugPrinter& operator<<(float f) { return *this << double(f); }
    DebugPrinter& operator<<(double d) {
        // At most kMaxPrecision places: 400 shows 17 significant digits of the smallest subnormal
        // (4.9e-324, first digit at place 324), and the buffer then holds any double in full.
        char b[1 + 309 + 1 + kMaxPrecision + 1];
        const int prec = m_precision > kMaxPrecision ? kMaxPrecision : m_precision;
        int n = std::snprintf(b, sizeof b, m_fixed ? "%.*f" : "%.*g", prec, d);
        return field(b, clamp(n, sizeof b));
    }
    template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, char>) DebugPrinter& operator<<(T v) {
        char b[32];  // 22 octal digits of 64 bits, or a sign and 19 decimal digits
        const char* fmt = m_base == 16  ? "%llx"
                          : m_base == 8 ? "%llo"
                                        : (std::is_signed_v<T> ? "%lld" : "%llu");
        int n = std::snprintf(b, sizeof b, fmt, (long long)v);
        return field(b, clamp(n, sizeof b));
    }

    static constexpr int kMaxPrecision = 400;
    // SETW beyond this pads to it: a line is held in memory until ENDL.
    static constexpr int64_t kMaxWidth = 4096;

private:
    // What snprintf wrote into a buffer of `size` (it returns the length it wanted).
    static size_t clamp(int n, size_t size) {
        return n < 0 ? 0 : size_t(n) < size ? size_t(n) : size - 1;
    }
    // The value, padded with spaces to the SETW width: before it, or after it for a negative
    // width (printf's "%*" rule). The value is formatted alone, so a wide field never cuts it.
    DebugPrinter& field(const char* s, size_t n) {
        const bool left = m_width < 0;
        const int64_t asked = left ? -int64_t(m_width) : int64_t(m_width);
        const int64_t w = asked < kMaxWidth ? asked : kMaxWidth;
        const size_t pad = size_t(w) > n ? size_t(w) - n : 0;
        if (!left) spaces(pad);
        put(s, n);
        if (left) spaces(pad);
        return *this;
    }
    void spaces(size_t n) {
        static constexpr char blank[] = "                                ";  // 32
        for (size_t k; n > 0; n -= k) put(blank, k = n < sizeof blank - 1 ? n : sizeof blank - 1);
    }
    DebugPrinter& put(const char* s, size_t n) {
        dprint(s, n);
        return *this;
    }
    int m_width = 0;
    int m_precision = 6;
    int m_base = 10;
    bool m_fixed = false;
};
}  // namespace tensim::kapi

#define DPRINT (::tensim::kapi::DebugPrinter())
#if defined(COMPILE_FOR_BRISC)
#define DPRINT_DATA0(x) x
#else
#define DPRINT_DATA0(x)
#endif
#if defined(COMPILE_FOR_NCRISC)
#define DPRINT_DATA1(x) x
#else
#define DPRINT_DATA1(x)
#endif
#if defined(TRISC_UNPACK)
#define DPRINT_UNPACK(x) x
#else
#define DPRINT_UNPACK(x)
#endif
#if defined(TRISC_MATH)
#define DPRINT_MATH(x) x
#else
#define DPRINT_MATH(x)
#endif
#if defined(TRISC_PACK)
#define DPRINT_PACK(x) x
#else
#define DPRINT_PACK(x)
#endif

// Tile slices (TSLICE, SliceRange) come with dprint.h, as in TT-Metal.
#include "dprint_tile.h"
