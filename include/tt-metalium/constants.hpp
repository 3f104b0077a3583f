// Forwarding header: TT-Metalium <tt-metalium/constants.hpp> -> tensim.
#pragma once

#include <tensim/host/constants.hpp>
