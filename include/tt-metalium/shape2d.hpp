// Forwarding header: TT-Metalium <tt-metalium/shape2d.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh_coord.hpp>
