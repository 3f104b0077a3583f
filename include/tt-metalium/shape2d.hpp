// Forwarding header: TT-Metalium <tt-metalium/shape2d.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh_coord.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
