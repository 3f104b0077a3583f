// Forwarding header: TT-Metalium <tt-metalium/buffer_types.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
