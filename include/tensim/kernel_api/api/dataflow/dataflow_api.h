// TT-Metalium [N] include path for the dataflow API.
#pragma once
#include "../../dataflow_api.h"
