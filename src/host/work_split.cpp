#include "tensim/host/work_split.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tt::tt_metal {

namespace {

// Groups cores listed in enumeration order into rectangles without reordering them: runs of
// consecutive cores along the inner axis become sticks, and consecutive sticks that span the
// same interval side by side merge into blocks. For a prefix of a grid this gives a block of
// full rows (columns) followed by the partial one, as TT-Metalium does.
CoreRangeSet cores_to_rectangles(const std::vector<CoreCoord>& cores, std::size_t first,
                                 std::size_t last, bool row_wise) {
    // In row-major order the inner axis is x; in column-major order it is y.
    auto inner = [row_wise](const CoreCoord& c) { return row_wise ? c.x : c.y; };
    auto outer = [row_wise](const CoreCoord& c) { return row_wise ? c.y : c.x; };

    std::vector<CoreRange> blocks;
    std::size_t i = first;
    while (i < last) {
        std::size_t j = i + 1;
        while (j < last && outer(cores[j]) == outer(cores[i]) &&
               inner(cores[j]) == inner(cores[j - 1]) + 1)
            ++j;
        const CoreRange stick(cores[i], cores[j - 1]);
        if (!blocks.empty()) {
            CoreRange& prev = blocks.back();
            const bool same_span = inner(prev.start_coord) == inner(stick.start_coord) &&
                                   inner(prev.end_coord) == inner(stick.end_coord);
            if (same_span && outer(prev.end_coord) + 1 == outer(stick.start_coord)) {
                prev.end_coord = stick.end_coord;
                i = j;
                continue;
            }
        }
        blocks.push_back(stick);
        i = j;
    }
    return CoreRangeSet(blocks);
}

std::vector<CoreCoord> grid_cores(const CoreCoord grid_size, uint32_t count, bool row_wise) {
    const uint64_t capacity = static_cast<uint64_t>(grid_size.x) * grid_size.y;
    if (count > capacity) {
        throw std::invalid_argument(std::to_string(count) + " cores do not fit in a " +
                                    std::to_string(grid_size.x) + "x" +
                                    std::to_string(grid_size.y) + " grid");
    }
    return grid_to_cores(count, static_cast<uint32_t>(grid_size.x),
                         static_cast<uint32_t>(grid_size.y), row_wise);
}

using SplitResult =
    std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t>;

// `cores` lists the cores in use in enumeration order; `all_cores` is their set.
SplitResult split_over(const std::vector<CoreCoord>& cores, CoreRangeSet all_cores, uint32_t units,
                       bool row_wise) {
    const auto num_cores = static_cast<uint32_t>(cores.size());
    const uint32_t base_units = units / num_cores;
    const uint32_t extra = units % num_cores;
    if (extra == 0) return {num_cores, all_cores, all_cores, CoreRangeSet(), base_units, 0};
    return {num_cores,
            std::move(all_cores),
            cores_to_rectangles(cores, 0, extra, row_wise),
            cores_to_rectangles(cores, extra, cores.size(), row_wise),
            base_units + 1,
            base_units};
}

}  // namespace

CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreCoord grid_size,
                                       bool row_wise) {
    const auto cores = grid_cores(grid_size, target_num_cores, row_wise);
    return cores_to_rectangles(cores, 0, cores.size(), row_wise);
}

CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreRangeSet& core_grid,
                                       bool row_wise) {
    if (target_num_cores > core_grid.num_cores()) {
        throw std::invalid_argument(
            "num_cores_to_corerangeset: " + std::to_string(target_num_cores) +
            " cores do not fit in " + core_grid.str());
    }
    const auto cores = corerange_to_cores(core_grid, target_num_cores, row_wise);
    return cores_to_rectangles(cores, 0, cores.size(), row_wise);
}

std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t>
split_work_to_cores(const CoreCoord grid_size, const uint32_t units_to_divide,
                    const bool row_wise) {
    if (units_to_divide == 0) return {0, CoreRangeSet(), CoreRangeSet(), CoreRangeSet(), 0, 0};
    const uint64_t grid_cores_total = static_cast<uint64_t>(grid_size.x) * grid_size.y;
    if (grid_cores_total == 0) {
        throw std::invalid_argument("split_work_to_cores: empty grid " + grid_size.str());
    }
    const auto num_cores =
        static_cast<uint32_t>(std::min<uint64_t>(units_to_divide, grid_cores_total));
    const auto cores = grid_cores(grid_size, num_cores, row_wise);
    CoreRangeSet all_cores =
        num_cores == grid_cores_total
            ? CoreRangeSet(CoreRange({0, 0}, {grid_size.x - 1, grid_size.y - 1}))
            : cores_to_rectangles(cores, 0, cores.size(), row_wise);
    return split_over(cores, std::move(all_cores), units_to_divide, row_wise);
}

std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t>
split_work_to_cores(const CoreRangeSet& core_grid, const uint32_t units_to_divide,
                    const bool row_wise) {
    if (units_to_divide == 0) return {0, CoreRangeSet(), CoreRangeSet(), CoreRangeSet(), 0, 0};
    if (core_grid.num_cores() == 0)
        throw std::invalid_argument("split_work_to_cores: empty core grid");
    const uint32_t num_cores = std::min(units_to_divide, core_grid.num_cores());
    const auto cores = corerange_to_cores(core_grid, num_cores, row_wise);
    CoreRangeSet all_cores = num_cores == core_grid.num_cores()
                                 ? core_grid
                                 : cores_to_rectangles(cores, 0, cores.size(), row_wise);
    return split_over(cores, std::move(all_cores), units_to_divide, row_wise);
}

}  // namespace tt::tt_metal
