#include "tensim/host/core_coord.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

std::string tt_xy_pair::str() const {
    return "(x=" + std::to_string(x) + ",y=" + std::to_string(y) + ")";
}

std::ostream& operator<<(std::ostream& os, const tt_xy_pair& coord) { return os << coord.str(); }

// --- CoreRange -------------------------------------------------------------------------------

CoreRange::CoreRange(const CoreCoord& point) : start_coord(point), end_coord(point) {}

CoreRange::CoreRange(const CoreCoord& start, const CoreCoord& end)
    : start_coord(start), end_coord(end) {
    if (end.x < start.x || end.y < start.y) {
        throw std::invalid_argument("CoreRange: end " + end.str() + " precedes start " +
                                    start.str());
    }
}

bool CoreRange::contains(const CoreCoord& core) const {
    return core.x >= start_coord.x && core.x <= end_coord.x && core.y >= start_coord.y &&
           core.y <= end_coord.y;
}

bool CoreRange::contains(const CoreRange& other) const {
    return contains(other.start_coord) && contains(other.end_coord);
}

bool CoreRange::intersects(const CoreRange& other) const {
    return start_coord.x <= other.end_coord.x && other.start_coord.x <= end_coord.x &&
           start_coord.y <= other.end_coord.y && other.start_coord.y <= end_coord.y;
}

std::optional<CoreRange> CoreRange::intersection(const CoreRange& other) const {
    if (!intersects(other)) return std::nullopt;
    return CoreRange(
        {std::max(start_coord.x, other.start_coord.x),
         std::max(start_coord.y, other.start_coord.y)},
        {std::min(end_coord.x, other.end_coord.x), std::min(end_coord.y, other.end_coord.y)});
}

bool CoreRange::adjacent(const CoreRange& other) const {
    // The overlap of the two projections; an empty projection by exactly one means touching.
    const std::size_t x_lo = std::max(start_coord.x, other.start_coord.x);
    const std::size_t x_hi = std::min(end_coord.x, other.end_coord.x);
    const std::size_t y_lo = std::max(start_coord.y, other.start_coord.y);
    const std::size_t y_hi = std::min(end_coord.y, other.end_coord.y);
    return (x_hi + 1 == x_lo && y_lo <= y_hi) || (y_hi + 1 == y_lo && x_lo <= x_hi);
}

std::optional<CoreRange> CoreRange::merge(const CoreRange& other) const {
    const CoreRange box(
        {std::min(start_coord.x, other.start_coord.x),
         std::min(start_coord.y, other.start_coord.y)},
        {std::max(end_coord.x, other.end_coord.x), std::max(end_coord.y, other.end_coord.y)});
    const auto overlap = intersection(other);
    const std::size_t union_size = size() + other.size() - (overlap ? overlap->size() : 0);
    if (union_size != box.size()) return std::nullopt;
    return box;
}

std::string CoreRange::str() const {
    return "[" + start_coord.str() + " - " + end_coord.str() + "]";
}

std::ostream& operator<<(std::ostream& os, const CoreRange& range) { return os << range.str(); }

// --- CoreRangeSet ----------------------------------------------------------------------------

namespace {

// The cores covered by `include` and not by `exclude`, as disjoint rectangles. Greedy in
// row-major order: from the first free core, take the widest run in its row, then grow it down
// while the rows below are free across the same width. Works on a grid compressed to the range
// edges, so its cost depends on the number of ranges, not on their extent.
std::vector<CoreRange> decompose(const std::vector<CoreRange>& include,
                                 const std::vector<CoreRange>& exclude) {
    std::vector<std::size_t> xs, ys;
    for (const auto* list : {&include, &exclude}) {
        for (const auto& r : *list) {
            xs.push_back(r.start_coord.x);
            xs.push_back(r.end_coord.x + 1);
            ys.push_back(r.start_coord.y);
            ys.push_back(r.end_coord.y + 1);
        }
    }
    for (auto* v : {&xs, &ys}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    if (xs.size() < 2 || ys.size() < 2) return {};
    const std::size_t nx = xs.size() - 1, ny = ys.size() - 1;

    // free_cell: covered by include, not by exclude, not yet emitted.
    std::vector<char> free_cell(nx * ny, 0);
    auto covered = [](const std::vector<CoreRange>& list, const CoreCoord& c) {
        return std::any_of(list.begin(), list.end(),
                           [&](const CoreRange& r) { return r.contains(c); });
    };
    for (std::size_t j = 0; j < ny; ++j) {
        for (std::size_t i = 0; i < nx; ++i) {
            const CoreCoord corner{xs[i], ys[j]};
            free_cell[j * nx + i] = covered(include, corner) && !covered(exclude, corner);
        }
    }

    std::vector<CoreRange> out;
    for (std::size_t j = 0; j < ny; ++j) {
        for (std::size_t i = 0; i < nx; ++i) {
            if (!free_cell[j * nx + i]) continue;
            std::size_t i_end = i;
            while (i_end + 1 < nx && free_cell[j * nx + i_end + 1]) ++i_end;
            std::size_t j_end = j;
            auto row_free = [&](std::size_t row) {
                for (std::size_t k = i; k <= i_end; ++k) {
                    if (!free_cell[row * nx + k]) return false;
                }
                return true;
            };
            while (j_end + 1 < ny && row_free(j_end + 1)) ++j_end;
            for (std::size_t row = j; row <= j_end; ++row) {
                std::fill_n(free_cell.begin() + static_cast<std::ptrdiff_t>(row * nx + i),
                            i_end - i + 1, 0);
            }
            out.emplace_back(CoreCoord{xs[i], ys[j]},
                             CoreCoord{xs[i_end + 1] - 1, ys[j_end + 1] - 1});
        }
    }
    return out;
}

}  // namespace

CoreRangeSet::CoreRangeSet(const CoreRange& range) : m_ranges{range} {}

CoreRangeSet::CoreRangeSet(std::initializer_list<CoreRange> ranges) : m_ranges(ranges) {
    validate_no_overlap();
}

CoreRangeSet::CoreRangeSet(const std::vector<CoreRange>& ranges) : m_ranges(ranges) {
    validate_no_overlap();
}

CoreRangeSet::CoreRangeSet(const std::set<CoreRange>& ranges)
    : m_ranges(ranges.begin(), ranges.end()) {
    validate_no_overlap();
}

void CoreRangeSet::validate_no_overlap() const {
    for (std::size_t i = 0; i < m_ranges.size(); ++i) {
        for (std::size_t j = i + 1; j < m_ranges.size(); ++j) {
            if (m_ranges[i].intersects(m_ranges[j])) {
                throw std::invalid_argument("CoreRangeSet: core ranges " + m_ranges[i].str() +
                                            " and " + m_ranges[j].str() + " overlap");
            }
        }
    }
}

uint32_t CoreRangeSet::num_cores() const {
    std::size_t n = 0;
    for (const auto& r : m_ranges) n += r.size();
    return static_cast<uint32_t>(n);
}

CoreRange CoreRangeSet::bounding_box() const {
    if (m_ranges.empty())
        throw std::invalid_argument("CoreRangeSet::bounding_box: the set is empty");
    CoreCoord lo = m_ranges.front().start_coord, hi = m_ranges.front().end_coord;
    for (const auto& r : m_ranges) {
        lo = {std::min(lo.x, r.start_coord.x), std::min(lo.y, r.start_coord.y)};
        hi = {std::max(hi.x, r.end_coord.x), std::max(hi.y, r.end_coord.y)};
    }
    return {lo, hi};
}

bool CoreRangeSet::contains(const CoreCoord& core) const {
    return std::any_of(m_ranges.begin(), m_ranges.end(),
                       [&](const CoreRange& r) { return r.contains(core); });
}

bool CoreRangeSet::contains(const CoreRange& range) const {
    // The ranges are disjoint, so their overlaps with `range` add up to its size iff they cover it.
    std::size_t covered = 0;
    for (const auto& r : m_ranges) {
        if (auto overlap = r.intersection(range)) covered += overlap->size();
    }
    return covered == range.size();
}

bool CoreRangeSet::contains(const CoreRangeSet& other) const {
    return std::all_of(other.m_ranges.begin(), other.m_ranges.end(),
                       [&](const CoreRange& r) { return contains(r); });
}

bool CoreRangeSet::intersects(const CoreRange& range) const {
    return std::any_of(m_ranges.begin(), m_ranges.end(),
                       [&](const CoreRange& r) { return r.intersects(range); });
}

bool CoreRangeSet::intersects(const CoreRangeSet& other) const {
    return std::any_of(other.m_ranges.begin(), other.m_ranges.end(),
                       [&](const CoreRange& r) { return intersects(r); });
}

CoreRangeSet CoreRangeSet::intersection(const CoreRangeSet& other) const {
    std::vector<CoreRange> pieces;
    for (const auto& a : m_ranges) {
        for (const auto& b : other.m_ranges) {
            if (auto overlap = a.intersection(b)) pieces.push_back(*overlap);
        }
    }
    return CoreRangeSet(decompose(pieces, {}));
}

CoreRangeSet CoreRangeSet::merge(const CoreRangeSet& other) const {
    std::vector<CoreRange> all = m_ranges;
    all.insert(all.end(), other.m_ranges.begin(), other.m_ranges.end());
    return CoreRangeSet(decompose(all, {}));
}

CoreRangeSet CoreRangeSet::subtract(const CoreRangeSet& other) const {
    return CoreRangeSet(decompose(m_ranges, other.m_ranges));
}

std::string CoreRangeSet::str() const {
    std::string s = "{";
    for (std::size_t i = 0; i < m_ranges.size(); ++i) {
        if (i) s += ", ";
        s += m_ranges[i].str();
    }
    return s + "}";
}

bool operator==(const CoreRangeSet& a, const CoreRangeSet& b) {
    if (a.m_ranges.size() != b.m_ranges.size()) return false;
    auto sa = a.m_ranges, sb = b.m_ranges;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    return sa == sb;
}

std::ostream& operator<<(std::ostream& os, const CoreRangeSet& set) { return os << set.str(); }

// --- core lists ------------------------------------------------------------------------------

std::vector<CoreCoord> corerange_to_cores(const CoreRangeSet& crs,
                                          std::optional<uint32_t> max_cores, bool row_wise) {
    const std::size_t limit = max_cores ? *max_cores : crs.num_cores();
    std::vector<CoreCoord> cores;
    cores.reserve(std::min<std::size_t>(limit, crs.num_cores()));
    for (const auto& r : crs.ranges()) {
        const auto& s = r.start_coord;
        const auto& e = r.end_coord;
        const std::size_t outer_lo = row_wise ? s.y : s.x, outer_hi = row_wise ? e.y : e.x;
        const std::size_t inner_lo = row_wise ? s.x : s.y, inner_hi = row_wise ? e.x : e.y;
        for (std::size_t o = outer_lo; o <= outer_hi; ++o) {
            for (std::size_t i = inner_lo; i <= inner_hi; ++i) {
                if (cores.size() == limit) return cores;
                cores.push_back(row_wise ? CoreCoord{i, o} : CoreCoord{o, i});
            }
        }
    }
    return cores;
}

std::vector<CoreCoord> grid_to_cores(uint32_t num_cores, uint32_t grid_x, uint32_t grid_y,
                                     bool row_wise) {
    if (static_cast<uint64_t>(num_cores) > static_cast<uint64_t>(grid_x) * grid_y) {
        throw std::invalid_argument("grid_to_cores: " + std::to_string(num_cores) +
                                    " cores do not fit in a " + std::to_string(grid_x) + "x" +
                                    std::to_string(grid_y) + " grid");
    }
    std::vector<CoreCoord> cores;
    cores.reserve(num_cores);
    for (uint32_t i = 0; i < num_cores; ++i) {
        cores.push_back(row_wise ? CoreCoord{i % grid_x, i / grid_x}
                                 : CoreCoord{i / grid_y, i % grid_y});
    }
    return cores;
}

std::vector<CoreCoord> grid_to_cores(CoreCoord start, CoreCoord end, bool row_wise) {
    return corerange_to_cores(CoreRangeSet(CoreRange(start, end)), std::nullopt, row_wise);
}
