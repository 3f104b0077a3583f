// Forwarding header: TT-Metalium <tt-metalium/mesh_workload.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
