// Forwarding header: TT-Metalium <tt-metalium/mesh_buffer.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
