// Forwarding header: TT-Metalium <tt-metalium/tt_metal.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
