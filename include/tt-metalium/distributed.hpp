// Forwarding header: TT-Metalium <tt-metalium/distributed.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
