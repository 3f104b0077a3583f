// Forwarding header: TT-Metalium <tt-metalium/data_types.hpp> -> tensim.
#pragma once
#include <tensim/host/data_format.hpp>
#include <tensim/host/kernel_config.hpp>
#include <tensim/host/types.hpp>
