// Forwarding header: TT-Metalium <tt-metalium/buffer.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
