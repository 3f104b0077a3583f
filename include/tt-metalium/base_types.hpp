// Forwarding header: TT-Metalium <tt-metalium/base_types.hpp> -> tensim.
#pragma once

#include <tensim/host/data_format.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
