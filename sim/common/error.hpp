// The model raises the library's public error types (tensim/error.hpp); this header is where sim/
// and src/ take them from, so the model does not reach into the host API's headers.
#pragma once
#include "tensim/error.hpp"
