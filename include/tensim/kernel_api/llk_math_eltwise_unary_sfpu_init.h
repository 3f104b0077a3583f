// tt-metal include name; the init helpers live in llk_math_eltwise_sfpu_tensim.h.
#pragma once
#include "llk_math_eltwise_sfpu_tensim.h"
