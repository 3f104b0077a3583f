// Forwarding header: TT-Metalium <tt-metalium/mesh_coord.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
