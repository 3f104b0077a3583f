// Forwarding header: TT-Metalium <tt-metalium/host_api.hpp> -> tensim.
#pragma once
#include <tensim/host/bfloat16.hpp>
#include <tensim/host/buffer.hpp>
#include <tensim/host/circular_buffer_config.hpp>
#include <tensim/host/constants.hpp>
#include <tensim/host/core_coord.hpp>
#include <tensim/host/data_format.hpp>
#include <tensim/host/device.hpp>
#include <tensim/host/kernel_config.hpp>
#include <tensim/host/profiler.hpp>
#include <tensim/host/program.hpp>
#include <tensim/host/tensim.hpp>
#include <tensim/host/tensor_accessor_args.hpp>
#include <tensim/host/types.hpp>
// The standard headers TT-Metalium's host_api.hpp brings in through its own includes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <tt-metalium/tt_align.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
