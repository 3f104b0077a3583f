// Host-side conversion between row-major matrices and the tiled layouts the device computes on.
// Mirrors TT-Metalium's <tt-metalium/tilize_utils.hpp> (tilize_nfaces/untilize_nfaces, the older
// in-place tilize/untilize, tilize_swizzled/untilize_swizzled), taking std::vector instead of Span.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tensim/host/constants.hpp"

namespace tensim::detail {

inline void check_tilize_shape(const char* fn, std::size_t size, uint32_t m, uint32_t n) {
    using namespace tt::constants;
    if (m % TILE_HEIGHT != 0 || n % TILE_WIDTH != 0) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(m) + "x" +
                                    std::to_string(n) + " is not a whole number of 32x32 tiles");
    }
    if (size != static_cast<std::size_t>(m) * n) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(size) +
                                    " elements given for a " + std::to_string(m) + "x" +
                                    std::to_string(n) + " matrix");
    }
}

// Position of row-major element (r, c) of an m x n matrix (n columns) in the tiled layout.
// Tiles are stored in row-major tile order; inside a tile either four 16x16 faces
// (f0 top-left, f1 top-right, f2 bottom-left, f3 bottom-right, each row-major) or, for the
// swizzled layout, the 32x32 tile as one row-major block.
inline std::size_t tiled_index(uint32_t r, uint32_t c, uint32_t n, bool faces) {
    using namespace tt::constants;
    const std::size_t tile =
        static_cast<std::size_t>(r / TILE_HEIGHT) * (n / TILE_WIDTH) + c / TILE_WIDTH;
    const uint32_t tr = r % TILE_HEIGHT, tc = c % TILE_WIDTH;
    const uint32_t in_tile = faces ? ((tr / FACE_HEIGHT) * 2 + tc / FACE_WIDTH) * FACE_HW +
                                         (tr % FACE_HEIGHT) * FACE_WIDTH + tc % FACE_WIDTH
                                   : tr * TILE_WIDTH + tc;
    return tile * TILE_HW + in_tile;
}

template <typename T>
std::vector<T> relayout(const char* fn, const std::vector<T>& data, uint32_t m, uint32_t n,
                        bool faces, bool to_tiled) {
    check_tilize_shape(fn, data.size(), m, n);
    std::vector<T> out(data.size());
    for (uint32_t r = 0; r < m; ++r) {
        for (uint32_t c = 0; c < n; ++c) {
            const std::size_t linear = static_cast<std::size_t>(r) * n + c;
            const std::size_t tiled = tiled_index(r, c, n, faces);
            if (to_tiled) {
                out[tiled] = data[linear];
            } else {
                out[linear] = data[tiled];
            }
        }
    }
    return out;
}

}  // namespace tensim::detail

// Row-major m x n (multiples of 32) -> tiles of four 16x16 faces. Throws std::invalid_argument
// on a bad shape or element count.
template <typename T>
std::vector<T> tilize_nfaces(const std::vector<T>& data, uint32_t m, uint32_t n) {
    return tensim::detail::relayout("tilize_nfaces", data, m, n, true, true);
}

template <typename T>
std::vector<T> untilize_nfaces(const std::vector<T>& data, uint32_t m, uint32_t n) {
    return tensim::detail::relayout("untilize_nfaces", data, m, n, true, false);
}

// Row-major m x n -> 32x32 tiles, each tile row-major (no faces).
template <typename T>
std::vector<T> tilize_swizzled(const std::vector<T>& data, uint32_t m, uint32_t n) {
    return tensim::detail::relayout("tilize_swizzled", data, m, n, false, true);
}

template <typename T>
std::vector<T> untilize_swizzled(const std::vector<T>& data, uint32_t m, uint32_t n) {
    return tensim::detail::relayout("untilize_swizzled", data, m, n, false, false);
}

// Older in-place forms, converting to and from the face layout.
template <typename T>
void tilize(std::vector<T>& data, uint32_t m, uint32_t n) {
    data = tilize_nfaces(data, m, n);
}

template <typename T>
void untilize(std::vector<T>& data, uint32_t m, uint32_t n) {
    data = untilize_nfaces(data, m, n);
}
