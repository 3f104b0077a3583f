// Force-included in the fuzz build only (fuzz/CMakeLists.txt). clang 14, Debian 12's, lacks
// __builtin_source_location, so libstdc++ 12's <source_location> declares nothing there, while
// tensim's headers use std::source_location. This stand-in has the same members, built on the
// __builtin_FILE/LINE/COLUMN/FUNCTION that clang 14 evaluates at the caller, as the standard's
// default argument is. A compiler with the builtin uses the library's own class.
#pragma once
#if !__has_builtin(__builtin_source_location)
namespace std {
struct source_location {
    static constexpr source_location current(const char* file = __builtin_FILE(),
                                             const char* function = __builtin_FUNCTION(),
                                             unsigned line = __builtin_LINE(),
                                             unsigned column = __builtin_COLUMN()) noexcept {
        source_location s;
        s.m_file = file, s.m_function = function, s.m_line = line, s.m_column = column;
        return s;
    }
    constexpr const char* file_name() const noexcept { return m_file; }
    constexpr const char* function_name() const noexcept { return m_function; }
    constexpr unsigned line() const noexcept { return m_line; }
    constexpr unsigned column() const noexcept { return m_column; }

private:
    const char* m_file = "";
    const char* m_function = "";
    unsigned m_line = 0, m_column = 0;
};
}  // namespace std
#endif
