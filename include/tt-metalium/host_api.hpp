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
