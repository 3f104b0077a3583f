// Forwarding header: TT-Metalium <tt-metalium/kernel.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
