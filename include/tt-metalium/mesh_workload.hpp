// Forwarding header: TT-Metalium <tt-metalium/mesh_workload.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
// TT-Metalium's mesh_workload.hpp makes host_api.hpp visible (bfloat16, constants, TT_*).
#include <tt-metalium/host_api.hpp>
