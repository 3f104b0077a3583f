// tt-metal's hostdevcommon/profiler_common.h, host side: the profiler buffer's sizes that host
// programs read (values as in tt-metal's header). The buffer itself is not simulated; the kernel
// profiler keeps the per-RISC budget of optional markers (PROFILER_L1_OPTIONAL_MARKER_COUNT).
#pragma once
#include <cstdint>
#include <tensim/host/profiler.hpp>

namespace kernel_profiler {
enum PacketTypes { ZONE_START, ZONE_END, ZONE_TOTAL, TS_DATA, TS_EVENT };
constexpr static std::uint32_t PROFILER_L1_MARKER_UINT32_SIZE = 2;
constexpr static std::uint32_t PROFILER_L1_PROGRAM_ID_COUNT = 2;
constexpr static std::uint32_t PROFILER_L1_GUARANTEED_MARKER_COUNT = 4;
constexpr static std::uint32_t PROFILER_L1_OPTIONAL_MARKER_COUNT = 250;
constexpr static std::uint32_t PROFILER_L1_OP_MIN_OPTIONAL_MARKER_COUNT = 2;
constexpr static std::uint32_t PROFILER_L1_VECTOR_SIZE =
    (PROFILER_L1_OPTIONAL_MARKER_COUNT + PROFILER_L1_GUARANTEED_MARKER_COUNT +
     PROFILER_L1_PROGRAM_ID_COUNT) *
    PROFILER_L1_MARKER_UINT32_SIZE;
constexpr static std::uint32_t PROFILER_L1_BUFFER_SIZE = PROFILER_L1_VECTOR_SIZE * sizeof(uint32_t);
}  // namespace kernel_profiler

constexpr static std::uint32_t PROFILER_OP_SUPPORT_COUNT = 1000;
