// Forwarding header: TT-Metalium <tt-metalium/bfloat4.hpp> -> tensim.
#pragma once

#include <tensim/host/bfp.hpp>
