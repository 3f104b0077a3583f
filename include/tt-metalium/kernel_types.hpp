// Forwarding header: TT-Metalium <tt-metalium/kernel_types.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
