// Forwarding header: TT-Metalium <tt-metalium/blockfloat_common.hpp> -> tensim.
#pragma once

#include <tensim/host/bfp.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
