// Forwarding header: TT-Metalium <tt-metalium/base_types.hpp> -> tensim.
#pragma once

#include <tensim/host/data_format.hpp>
