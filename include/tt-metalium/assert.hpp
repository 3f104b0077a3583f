// Forwarding header: TT-Metalium <tt-metalium/assert.hpp> -> <tt_stl/assert.hpp>.
#pragma once
#include <tt_stl/assert.hpp>
