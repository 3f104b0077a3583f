// Forwarding header: TT-Metalium <tt-metalium/blockfloat_common.hpp> -> tensim.
#pragma once

#include <tensim/host/bfp.hpp>
