// TT-Metalium [N] compute header; the whole compute API lives in compute_kernel_api.h.
#pragma once
#include "../../compute_kernel_api.h"
