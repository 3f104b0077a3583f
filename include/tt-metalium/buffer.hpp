// Forwarding header: TT-Metalium <tt-metalium/buffer.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
