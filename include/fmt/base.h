// <fmt/base.h> arrived with fmt 11; tt-metal's newer programs include it. With an older fmt,
// this stands in for it (fmt::print and fmt::format come from format.h there).
#pragma once
#if defined(__has_include_next) && __has_include_next(<fmt/base.h>)
#include_next <fmt/base.h>
#else
#include <fmt/core.h>
#include <fmt/format.h>
#endif
