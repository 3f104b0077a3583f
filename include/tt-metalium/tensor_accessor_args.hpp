// Forwarding header: TT-Metalium <tt-metalium/tensor_accessor_args.hpp> -> tensim.
#pragma once
#include <tensim/host/tensor_accessor_args.hpp>
