// Forwarding header: TT-Metalium <tt-metalium/mesh_command_queue.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
