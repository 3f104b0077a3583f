// TT-Metalium [N] include path for DPRINT tile slices.
#pragma once
#include "../../debug/dprint_tile.h"
