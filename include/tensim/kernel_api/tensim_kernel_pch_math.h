// tensim_kernel_pch.h for the math TRISC's build of a compute kernel, which also parses <cmath>
// (SFPI, sfpi.h): one header, so one precompiled header, per kind of build.
#pragma once
#include <cmath>

#include "tensim_kernel_pch.h"
