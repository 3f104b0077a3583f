// Forwarding header: TT-Metalium <tt-metalium/core_coord.hpp> -> tensim.
#pragma once

#include <tensim/host/core_coord.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
