// Forwarding header: TT-Metalium <tt-metalium/distributed.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
