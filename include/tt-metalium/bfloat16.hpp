// Forwarding header: TT-Metalium <tt-metalium/bfloat16.hpp> -> tensim.
#pragma once

#include <tensim/host/bfloat16.hpp>
