// Splitting a number of work units (tiles, rows, blocks) over a grid of cores.
// Mirrors TT-Metalium's <tt-metalium/work_split.hpp> (split_work_to_cores,
// num_cores_to_corerangeset).
#pragma once

#include <cstdint>
#include <tuple>

#include "tensim/host/core_coord.hpp"

namespace tt::tt_metal {

// The first target_num_cores cores of a grid_size grid starting at (0,0), in column-major order
// (down each column first) or row-major order when row_wise, as rectangles: a block of full
// columns (rows) followed by the partial one. Throws std::invalid_argument if they do not fit.
CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreCoord grid_size,
                                       bool row_wise = false);
// The same over an arbitrary set, taking cores in corerange_to_cores order.
CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreRangeSet& core_grid,
                                       bool row_wise = false);

// Returns {num_cores, all_cores, core_group_1, core_group_2, units_per_core_group_1,
// units_per_core_group_2}. num_cores = min(units, cores in the grid). When the units divide
// evenly every core is in group 1 and group 2 is empty with 0 units; otherwise the first
// units % num_cores cores (in enumeration order) take one unit more than the rest.
std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t>
split_work_to_cores(const CoreCoord grid_size, const uint32_t units_to_divide,
                    const bool row_wise = false);
std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t>
split_work_to_cores(const CoreRangeSet& core_grid, const uint32_t units_to_divide,
                    const bool row_wise = false);

}  // namespace tt::tt_metal
