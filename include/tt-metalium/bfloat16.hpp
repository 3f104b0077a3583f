// Forwarding header: TT-Metalium <tt-metalium/bfloat16.hpp> -> tensim.
#pragma once

#include <tensim/host/bfloat16.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
