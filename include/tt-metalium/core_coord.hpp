// Forwarding header: TT-Metalium <tt-metalium/core_coord.hpp> -> tensim.
#pragma once

#include <tensim/host/core_coord.hpp>
