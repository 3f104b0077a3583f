// Forwarding header: TT-Metalium <tt-metalium/device.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
