// Forwarding header: TT-Metalium <tt-metalium/allocator.hpp> -> tensim.
#pragma once
#include <tensim/host/allocator.hpp>
#include <tensim/host/device.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
