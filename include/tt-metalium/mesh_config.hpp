// Forwarding header: TT-Metalium <tt-metalium/mesh_config.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
