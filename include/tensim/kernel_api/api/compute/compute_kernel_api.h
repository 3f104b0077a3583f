// TT-Metalium [N] compute header.
#pragma once
#include "../../compute_kernel_api.h"
