// Forwarding header: TT-Metalium <tt-metalium/work_split.hpp> -> tensim.
#pragma once

#include <tensim/host/work_split.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
