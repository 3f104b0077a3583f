// Forwarding header: TT-Metalium <tt-metalium/program.hpp> -> tensim.
#pragma once
#include <tt-metalium/host_api.hpp>
