// Forwarding header: TT-Metalium <tt-metalium/tt_metal_profiler.hpp> -> tensim.
#pragma once
#include <tensim/host/profiler.hpp>
