// Forwarding header: TT-Metalium <tt-metalium/constants.hpp> -> tensim.
#pragma once

#include <tensim/host/constants.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
