// <tt-metalium/constants.hpp> on the kernel include path, as TT-Metal's kernel build has it: the
// tile and face geometry (tt::constants), the same header host programs see.
#pragma once
#include "../../host/constants.hpp"
