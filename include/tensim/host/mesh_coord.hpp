// Mesh coordinates as TT-Metalium [N] names them (tt-metalium/mesh_coord.hpp, shape2d.hpp): the
// shape of a mesh of chips, a chip's coordinate in it, inclusive rectangles of coordinates
// (iterated row-major, as tt-metal iterates them) and Shape2D, the height x width of a 2-D buffer.
// Meshes are two-dimensional (rows x columns); tt-metal's 1-D and 3-D shorthands are not modelled.
#pragma once
#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <utility>

namespace tt::tt_metal {

// Height x width, in elements (rows x columns of a global buffer or a shard). Structured bindings
// give {height, width}.
class Shape2D {
public:
    Shape2D(std::size_t height, std::size_t width) : m_height(height), m_width(width) {}
    Shape2D(const std::pair<std::size_t, std::size_t>& size) : Shape2D(size.first, size.second) {}
    std::size_t height() const { return m_height; }
    std::size_t width() const { return m_width; }
    template <std::size_t I>
    std::size_t get() const {
        static_assert(I < 2, "Shape2D has two dimensions");
        return I == 0 ? m_height : m_width;
    }
    friend bool operator==(const Shape2D&, const Shape2D&) = default;

private:
    std::size_t m_height = 0, m_width = 0;
};

}  // namespace tt::tt_metal

template <>
struct std::tuple_size<tt::tt_metal::Shape2D> : std::integral_constant<std::size_t, 2> {};
template <std::size_t I>
struct std::tuple_element<I, tt::tt_metal::Shape2D> {
    using type = std::size_t;
};

namespace tt::tt_metal::distributed {

class MeshShape {
public:
    MeshShape(uint32_t num_rows, uint32_t num_cols) : m_dims{num_rows, num_cols} {}
    size_t dims() const { return 2; }
    uint32_t operator[](size_t dim) const { return m_dims.at(dim); }
    size_t mesh_size() const { return size_t{m_dims[0]} * m_dims[1]; }
    size_t get_stride(size_t dim) const { return dim == 0 ? m_dims[1] : 1; }  // row-major
    friend bool operator==(const MeshShape&, const MeshShape&) = default;

private:
    std::array<uint32_t, 2> m_dims;
};

class MeshCoordinate {
public:
    MeshCoordinate(uint32_t row, uint32_t col) : m_coords{row, col} {}
    // Any two integers (TT-Metalium takes uint32_t; programs pass num_rows() - 1, a size_t, in
    // braces, which only Clang's -Wno-c++11-narrowing lets through to that constructor).
    template <std::integral R, std::integral C>
    requires(!std::same_as<R, uint32_t> || !std::same_as<C, uint32_t>) MeshCoordinate(R row, C col)
        : m_coords{static_cast<uint32_t>(row), static_cast<uint32_t>(col)} {}
    static MeshCoordinate zero_coordinate(size_t /*dims*/ = 2) { return {0, 0}; }
    size_t dims() const { return 2; }
    uint32_t operator[](size_t dim) const { return m_coords.at(dim); }
    std::span<const uint32_t> coords() const { return m_coords; }
    friend bool operator==(const MeshCoordinate&, const MeshCoordinate&) = default;
    friend auto operator<=>(const MeshCoordinate&, const MeshCoordinate&) = default;

private:
    std::array<uint32_t, 2> m_coords;
};

// "(row, col)" and "RxC", for messages.
std::string to_string(const MeshCoordinate& coord);
std::string to_string(const MeshShape& shape);
std::ostream& operator<<(std::ostream& os, const MeshCoordinate& coord);
std::ostream& operator<<(std::ostream& os, const MeshShape& shape);

// The row-major index of `coord` in `shape`; a HostError when it lies outside.
size_t to_linear_index(const MeshShape& shape, const MeshCoordinate& coord);

// An inclusive rectangle of mesh coordinates, iterated row by row.
class MeshCoordinateRange {
public:
    MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end);
    explicit MeshCoordinateRange(const MeshShape& shape);  // the whole mesh
    const MeshCoordinate& start_coord() const { return m_start; }
    const MeshCoordinate& end_coord() const { return m_end; }
    size_t dims() const { return 2; }
    MeshShape shape() const;
    bool contains(const MeshCoordinate& coord) const;
    bool contains(const MeshCoordinateRange& range) const;
    bool intersects(const MeshCoordinateRange& other) const;
    friend bool operator==(const MeshCoordinateRange&, const MeshCoordinateRange&) = default;

    class Iterator {
    public:
        Iterator& operator++();
        const MeshCoordinate& operator*() const { return m_coord; }
        const MeshCoordinate* operator->() const { return &m_coord; }
        bool operator==(const Iterator& o) const { return m_index == o.m_index; }

    private:
        friend class MeshCoordinateRange;
        Iterator(const MeshCoordinateRange* range, size_t index);
        const MeshCoordinateRange* m_range;
        size_t m_index;  // row-major position in the range; the end is its size
        MeshCoordinate m_coord;
    };
    Iterator begin() const { return Iterator(this, 0); }
    Iterator end() const { return Iterator(this, shape().mesh_size()); }

private:
    MeshCoordinate m_start, m_end;
};

std::string to_string(const MeshCoordinateRange& range);  // "(r0, c0)-(r1, c1)"

}  // namespace tt::tt_metal::distributed

template <>
struct std::hash<tt::tt_metal::distributed::MeshCoordinate> {
    size_t operator()(const tt::tt_metal::distributed::MeshCoordinate& c) const noexcept {
        return (size_t{c[0]} << 32) ^ c[1];
    }
};
