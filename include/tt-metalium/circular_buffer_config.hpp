// Forwarding header: TT-Metalium <tt-metalium/circular_buffer_config.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
