// Forwarding header: TT-Metalium <tt-metalium/command_queue.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
