// Forwarding header: TT-Metalium <tt-metalium/tensor_accessor_args.hpp> -> tensim.
#pragma once
#include <tensim/host/tensor_accessor_args.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
