// Forwarding header: TT-Metalium <tt-metalium/tilize_utils.hpp> -> tensim.
#pragma once

#include <tensim/host/tilize.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
