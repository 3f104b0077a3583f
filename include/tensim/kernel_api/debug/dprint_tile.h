// DPRINT tile slices (TT-Metal debug/dprint_tile.h): `DPRINT << TSLICE(cb, tile, SliceRange::
// hw0_32_16()) << ENDL();` prints rows h0:h1:hs and columns w0:w1:ws of a tile in a CB, read at
// its read pointer (TSLICE_RD_PTR) or write pointer (TSLICE_WR_PTR). Elements are indexed as the
// tile is stored, in 16x16 faces (print_untilized = true shows row-major positions, false the
// raw storage order). Float32, Float16_b and 32/16/8-bit integer formats print values; other
// formats (block floats, whose values share exponents) print "?".
#pragma once
#include <cstdint>
#include <cstring>

#include "dprint.h"

struct SliceRange {
    uint16_t h0, h1, hs, w0, w1, ws;
    static inline SliceRange hw0_32_16() { return {0, 32, 16, 0, 32, 16}; }
    static inline SliceRange hw0_32_8() { return {0, 32, 8, 0, 32, 8}; }
    static inline SliceRange hw0_32_4() { return {0, 32, 4, 0, 32, 4}; }
    static inline SliceRange hw041() { return {0, 1, 1, 0, 32, 1}; }
    static inline SliceRange h0_w0_32() { return {0, 1, 1, 0, 32, 1}; }
    static inline SliceRange h0_32_w0() { return {0, 32, 1, 0, 1, 1}; }
    static inline SliceRange h0_32_w0_32() { return {0, 32, 1, 0, 32, 1}; }
};

enum TSliceCbType : uint8_t { TSLICE_INPUT_CB = 0, TSLICE_OUTPUT_CB = 1 };
enum TSlicePtrType : uint8_t { TSLICE_RD_PTR = 0, TSLICE_WR_PTR = 1 };

struct TileSlice {
    uint8_t cb;
    int tile_idx;
    SliceRange range;
    bool write_ptr;
    bool endl_rows;
    bool untilized;
    tensim::kapi::Loc loc;  // the kernel line, named if the slice is refused
    TileSlice(uint8_t cb_, int tile_, const SliceRange& r, TSliceCbType = TSLICE_INPUT_CB,
              TSlicePtrType ptr = TSLICE_RD_PTR, bool endl = true, bool untilize = true,
              const tensim::kapi::Loc& l = tensim::kapi::Loc::current())
        : cb(cb_),
          tile_idx(tile_),
          range(r),
          write_ptr(ptr == TSLICE_WR_PTR),
          endl_rows(endl),
          untilized(untilize),
          loc(l) {}
    // TT-Metal's older form TileSlice(cb, tile, range, endl_rows, print_untilized).
    TileSlice(uint8_t cb_, int tile_, const SliceRange& r, bool endl, bool untilize,
              const tensim::kapi::Loc& l = tensim::kapi::Loc::current())
        : TileSlice(cb_, tile_, r, TSLICE_INPUT_CB, TSLICE_RD_PTR, endl, untilize, l) {}
};

inline TileSlice TSLICE(uint8_t cb, int tile_idx, const SliceRange& r,
                        TSliceCbType cb_type = TSLICE_INPUT_CB,
                        TSlicePtrType ptr_type = TSLICE_RD_PTR, bool endl_rows = true,
                        bool print_untilized = true,
                        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
    return TileSlice(cb, tile_idx, r, cb_type, ptr_type, endl_rows, print_untilized, loc);
}

namespace tensim::kapi {

// Storage index of row r, column c of a 32x32 tile held as four 16x16 faces.
inline uint32_t tile_storage_index(uint32_t r, uint32_t c, bool untilized) {
    if (!untilized) return r * 32 + c;
    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
}

inline DebugPrinter& operator<<(DebugPrinter& p, const TileSlice& s) {
    // Rows or columns past 32 would print whatever L1 holds beyond the tile.
    if (s.range.h1 > 32 || s.range.w1 > 32)
        kernel_fail(
            "DPRINT TSLICE: the slice leaves the 32x32 tile (rows and columns end at 32 at most)",
            s.loc);
    // A KernelError naming s.loc unless the tile lies in the CB.
    const uint32_t base = cb_tile_address(s.cb, s.write_ptr, s.tile_idx, s.loc);
    const DataFormat f = cb_data_format(s.cb);
    const auto* bytes = reinterpret_cast<const uint8_t*>(uintptr_t(base));
    const SliceRange& r = s.range;
    for (uint32_t h = r.h0; h < r.h1; h += (r.hs ? r.hs : 1)) {
        for (uint32_t w = r.w0; w < r.w1; w += (r.ws ? r.ws : 1)) {
            const uint32_t i = tile_storage_index(h, w, s.untilized);
            switch (f) {
                case DataFormat::Float32: {
                    float v;
                    std::memcpy(&v, bytes + 4 * i, 4);
                    p << v;
                    break;
                }
                case DataFormat::Float16_b: {
                    uint16_t v;
                    std::memcpy(&v, bytes + 2 * i, 2);
                    p << BF16(v);
                    break;
                }
                case DataFormat::Int32:
                case DataFormat::UInt32: {
                    uint32_t v;
                    std::memcpy(&v, bytes + 4 * i, 4);
                    p << v;
                    break;
                }
                case DataFormat::UInt16: {
                    uint16_t v;
                    std::memcpy(&v, bytes + 2 * i, 2);
                    p << uint32_t(v);
                    break;
                }
                case DataFormat::UInt8:
                    p << uint32_t(bytes[i]);
                    break;
                default:
                    p << "?";
                    break;
            }
            if (w + (r.ws ? r.ws : 1) < r.w1) p << " ";
        }
        if (s.endl_rows) p << ENDL();
    }
    return p;
}
// DPRINT is a temporary: printing a slice into it needs the rvalue form too.
inline DebugPrinter& operator<<(DebugPrinter&& p, const TileSlice& s) { return p << s; }

}  // namespace tensim::kapi
