// Forwarding header: TT-Metalium <tt-metalium/mesh_command_queue.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
