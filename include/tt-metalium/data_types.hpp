// Forwarding header: TT-Metalium <tt-metalium/data_types.hpp> -> tensim.
#pragma once
#include <tensim/host/data_format.hpp>
#include <tensim/host/kernel_config.hpp>
#include <tensim/host/types.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
