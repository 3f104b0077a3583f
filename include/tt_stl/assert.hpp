// TT-Metalium's assertion macros (tt_stl/assert.hpp): TT_FATAL(condition, format, args...),
// TT_THROW(format, args...), TT_ASSERT(condition[, format, args...]). Messages are fmt format
// strings; a failure throws tensim::HostError carrying file, line, condition and message (TT-Metal
// throws std::runtime_error, which HostError is). TT_ASSERT checks only when DEBUG is defined, as
// in TT-Metal; without it the condition is not evaluated.
#pragma once
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "tensim/error.hpp"

namespace tt::assert_detail {

[[noreturn]] inline void fail(const char* kind, const char* file, int line, const char* condition,
                              const std::string& message) {
    std::string what = fmt::format("{} @ {}:{}: {}", kind, file, line, condition ? condition : "");
    if (!message.empty()) what += fmt::format("\ninfo:\n{}", message);
    throw tensim::HostError(what);
}

inline std::string message() { return {}; }
template <typename... Args>
std::string message(fmt::format_string<Args...> format, Args&&... args) {
    return fmt::format(format, std::forward<Args>(args)...);
}

}  // namespace tt::assert_detail

#define TT_THROW(...) \
    ::tt::assert_detail::fail("TT_THROW", __FILE__, __LINE__, nullptr, fmt::format(__VA_ARGS__))

#define TT_FATAL(condition, ...)                                                  \
    do {                                                                          \
        if (!(condition)) [[unlikely]]                                            \
            ::tt::assert_detail::fail("TT_FATAL", __FILE__, __LINE__, #condition, \
                                      ::tt::assert_detail::message(__VA_ARGS__)); \
    } while (0)

#ifdef DEBUG
#define TT_ASSERT(condition, ...)                                                  \
    do {                                                                           \
        if (!(condition)) [[unlikely]]                                             \
            ::tt::assert_detail::fail("TT_ASSERT", __FILE__, __LINE__, #condition, \
                                      ::tt::assert_detail::message(__VA_ARGS__));  \
    } while (0)
#else
#define TT_ASSERT(condition, ...) \
    do {                          \
    } while (0)
#endif
