// Values shared by host and device code (TT-Metal hostdevcommon/common_values.hpp).
#pragma once
#include <cstdint>
constexpr static uint32_t INVALID = 0;
constexpr static uint32_t VALID = 1;
