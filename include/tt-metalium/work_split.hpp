// Forwarding header: TT-Metalium <tt-metalium/work_split.hpp> -> tensim.
#pragma once

#include <tensim/host/work_split.hpp>
