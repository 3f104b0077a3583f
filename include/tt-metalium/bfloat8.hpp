// Forwarding header: TT-Metalium <tt-metalium/bfloat8.hpp> -> tensim.
#pragma once

#include <tensim/host/bfp.hpp>
