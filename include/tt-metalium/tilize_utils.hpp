// Forwarding header: TT-Metalium <tt-metalium/tilize_utils.hpp> -> tensim.
#pragma once

#include <tensim/host/tilize.hpp>
