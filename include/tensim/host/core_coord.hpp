// Logical core coordinates, inclusive rectangles of cores and sets of disjoint rectangles.
// Mirrors TT-Metalium's <tt-metalium/core_coord.hpp> (CoreCoord = tt_xy_pair, CoreRange,
// CoreRangeSet, corerange_to_cores, grid_to_cores).
#pragma once

#include <fmt/format.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

// Ordered by x, then y (TT-Metalium's tt_xy_pair order).
struct tt_xy_pair {
    std::size_t x = 0;
    std::size_t y = 0;

    constexpr tt_xy_pair() = default;
    constexpr tt_xy_pair(std::size_t x_, std::size_t y_) : x(x_), y(y_) {}

    std::string str() const;  // "(x=1,y=2)"

    friend constexpr bool operator==(const tt_xy_pair&, const tt_xy_pair&) = default;
    friend constexpr auto operator<=>(const tt_xy_pair&, const tt_xy_pair&) = default;
};

using CoreCoord = tt_xy_pair;

std::ostream& operator<<(std::ostream& os, const tt_xy_pair& coord);

// An inclusive rectangle [start_coord, end_coord]. Iteration is row-major: y outer, x inner.
struct CoreRange {
    CoreCoord start_coord;
    CoreCoord end_coord;

    CoreRange(const CoreCoord& point);
    // Throws std::invalid_argument if end precedes start in x or in y.
    CoreRange(const CoreCoord& start, const CoreCoord& end);

    std::size_t size() const { return grid_size().x * grid_size().y; }
    CoreCoord grid_size() const {
        return {end_coord.x - start_coord.x + 1, end_coord.y - start_coord.y + 1};
    }

    bool contains(const CoreCoord& core) const;
    bool contains(const CoreRange& other) const;
    bool intersects(const CoreCoord& core) const { return contains(core); }
    bool intersects(const CoreRange& other) const;
    std::optional<CoreRange> intersection(const CoreRange& other) const;
    // True when the two ranges do not overlap but share an edge (not just a corner).
    bool adjacent(const CoreRange& other) const;
    // The union, when it is itself a rectangle (overlapping or adjacent ranges only).
    std::optional<CoreRange> merge(const CoreRange& other) const;

    std::string str() const;  // "[(x=0,y=0) - (x=1,y=1)]"

    class CoreIterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = CoreCoord;
        using difference_type = std::ptrdiff_t;
        using pointer = const CoreCoord*;
        using reference = const CoreCoord&;

        CoreIterator() = default;
        CoreIterator(const CoreCoord& current, std::size_t start_x, std::size_t end_x)
            : m_current(current), m_start_x(start_x), m_end_x(end_x) {}

        reference operator*() const { return m_current; }
        pointer operator->() const { return &m_current; }
        CoreIterator& operator++() {
            if (m_current.x == m_end_x) {
                m_current = {m_start_x, m_current.y + 1};
            } else {
                ++m_current.x;
            }
            return *this;
        }
        CoreIterator operator++(int) {
            CoreIterator before = *this;
            ++*this;
            return before;
        }
        friend bool operator==(const CoreIterator& a, const CoreIterator& b) {
            return a.m_current == b.m_current;
        }

    private:
        CoreCoord m_current;
        std::size_t m_start_x = 0;
        std::size_t m_end_x = 0;
    };

    CoreIterator begin() const { return {start_coord, start_coord.x, end_coord.x}; }
    CoreIterator end() const {
        return {{start_coord.x, end_coord.y + 1}, start_coord.x, end_coord.x};
    }

    // Ordered by start_coord, then end_coord.
    friend bool operator==(const CoreRange&, const CoreRange&) = default;
    friend auto operator<=>(const CoreRange&, const CoreRange&) = default;
};

std::ostream& operator<<(std::ostream& os, const CoreRange& range);

// A set of pairwise disjoint CoreRanges. ranges() keeps the order the ranges were given in
// (a std::set gives them sorted); results of merge/subtract/intersection are listed in
// row-major order of their first core. Two sets compare equal when they hold the same ranges,
// in any order.
class CoreRangeSet {
public:
    CoreRangeSet() = default;
    CoreRangeSet(const CoreRange& range);
    CoreRangeSet(std::initializer_list<CoreRange> ranges);
    // The range constructors throw std::invalid_argument naming two ranges that overlap.
    CoreRangeSet(const std::vector<CoreRange>& ranges);
    CoreRangeSet(const std::set<CoreRange>& ranges);

    const std::vector<CoreRange>& ranges() const { return m_ranges; }
    std::size_t size() const { return m_ranges.size(); }
    bool empty() const { return m_ranges.empty(); }
    uint32_t num_cores() const;
    // Smallest CoreRange holding every core. Throws std::invalid_argument on an empty set.
    CoreRange bounding_box() const;

    bool contains(const CoreCoord& core) const;
    bool contains(const CoreRange& range) const;
    bool contains(const CoreRangeSet& other) const;
    bool intersects(const CoreCoord& core) const { return contains(core); }
    bool intersects(const CoreRange& range) const;
    bool intersects(const CoreRangeSet& other) const;
    CoreRangeSet intersection(const CoreRangeSet& other) const;

    // Union of the cores of both sets (they may overlap), decomposed into rectangles.
    CoreRangeSet merge(const CoreRangeSet& other) const;
    // The cores of this set that are not in other.
    CoreRangeSet subtract(const CoreRangeSet& other) const;

    std::string str() const;  // "{[(x=0,y=0) - (x=1,y=1)], ...}"

    friend bool operator==(const CoreRangeSet& a, const CoreRangeSet& b);

private:
    void validate_no_overlap() const;

    std::vector<CoreRange> m_ranges;
};

std::ostream& operator<<(std::ostream& os, const CoreRangeSet& set);

// The cores of crs, range by range in ranges() order; inside a range row-major (y outer) when
// row_wise, else column-major (x outer). Stops after max_cores cores if given.
std::vector<CoreCoord> corerange_to_cores(const CoreRangeSet& crs,
                                          std::optional<uint32_t> max_cores = std::nullopt,
                                          bool row_wise = false);

// The first num_cores cores of a grid_x by grid_y grid starting at (0,0), row-major when row_wise,
// else column-major. Throws std::invalid_argument if the grid is too small.
std::vector<CoreCoord> grid_to_cores(uint32_t num_cores, uint32_t grid_x, uint32_t grid_y,
                                     bool row_wise = false);
// Every core of the inclusive rectangle [start, end].
std::vector<CoreCoord> grid_to_cores(CoreCoord start, CoreCoord end, bool row_wise = false);

template <>
struct std::hash<tt_xy_pair> {
    std::size_t operator()(const tt_xy_pair& c) const noexcept {
        return std::hash<std::size_t>{}(c.x) ^
               (std::hash<std::size_t>{}(c.y) * 0x9e3779b97f4a7c15ull);
    }
};

template <>
struct std::hash<CoreRange> {
    std::size_t operator()(const CoreRange& r) const noexcept {
        const std::hash<tt_xy_pair> h;
        return h(r.start_coord) ^ (h(r.end_coord) * 0xff51afd7ed558ccdull + 0x632be59bd9b4e019ull);
    }
};

// fmt::format("{}", core) as TT-Metalium's core_coord.hpp allows (it includes fmt): the same text
// as str(). Including this header also brings fmt, as TT-Metalium's does.
template <>
struct fmt::formatter<tt_xy_pair> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const tt_xy_pair& v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(v.str(), ctx);
    }
};
template <>
struct fmt::formatter<CoreRange> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const CoreRange& v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(v.str(), ctx);
    }
};
template <>
struct fmt::formatter<CoreRangeSet> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const CoreRangeSet& v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(v.str(), ctx);
    }
};
