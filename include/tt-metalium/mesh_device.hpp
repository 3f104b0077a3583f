// Forwarding header: TT-Metalium <tt-metalium/mesh_device.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
