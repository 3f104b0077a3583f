// UMD's <umd/device/types/xy_pair.hpp>: tt_xy_pair (tt-metal's CoreCoord), from tensim's
// core_coord.hpp.
#pragma once
#include <tensim/host/core_coord.hpp>

namespace tt {
using xy_pair = tt_xy_pair;
}  // namespace tt
