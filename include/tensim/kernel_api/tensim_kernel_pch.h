// The part of the kernel API every kernel parses identically, whatever it defines: the standard
// headers the API includes and the kernel ABI's declarations. The kernel build includes it first,
// before its per-kernel macros (compile-time args, CB formats, NOC_INDEX, TRISC_*), so the
// precompiled copy tensim builds of it (src/jit/kernel_pch.hpp) is valid for every kernel. Nothing
// here may read a macro a kernel build defines; the macro-dependent parts of the API stay in the
// headers that include this one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <source_location>
#include <string_view>
#include <type_traits>

#include "hostdevcommon/kernel_structs.h"
#include "tensim_abi.h"
