// Forwarding header: TT-Metalium <tt-metalium/distributed.hpp> -> tensim.
#pragma once
#include <tensim/host/mesh.hpp>
// What TT-Metalium's distributed.hpp makes visible through its own includes: host_api.hpp (hence
// bfloat16, constants, the TT_* assertions) and <thread> (with it std::chrono).
#include <thread>
#include <tt-metalium/host_api.hpp>
