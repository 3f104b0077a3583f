#include "tensix/init_state.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "common/error.hpp"
#include "common/log.hpp"
#include "tensix/risc_thread.hpp"

namespace tensim {

namespace {

std::optional<bool> g_override;
bool g_from_env = false;

bool env_asks_for_init_check() {
    const char* v = std::getenv("TENSIM_CHECK");
    if (!v) return false;
    std::string_view s(v);
    while (!s.empty()) {
        size_t comma = s.find(',');
        const std::string_view entry = s.substr(0, comma);
        if (entry == "init") return true;
        static bool warned = false;  // the variable is read at every launch: say it once
        if (!std::exchange(warned, true))
            log::tensix().warn("TENSIM_CHECK: unknown check '{}' (known: init)", entry);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return false;
}

const char* base_name(const char* path) {
    std::string_view p(path ? path : "");
    size_t slash = p.find_last_of('/');
    return slash == std::string_view::npos ? path : path + slash + 1;
}

}  // namespace

std::string InitSite::describe() const {
    if (!set()) return "no init call";
    return fmt::format("{} at {}:{}", call, base_name(file), line);
}

bool init_check_enabled() { return g_override.value_or(g_from_env); }

void refresh_init_check_from_env() { g_from_env = env_asks_for_init_check(); }

void set_init_check(bool enabled) { g_override = enabled; }

void init_mismatch(const RiscThread& t, const char* op, const SrcLoc& loc,
                   const std::string& expected, const std::string& configured,
                   const InitSite& site) {
    const std::string by = site.set() ? "set by " + site.describe() : "never set by an init call";
    throw KernelError(
        fmt::format("{}: {} at {}:{} needs {}, but the engine holds {} ({}) [init check]",
                    t.where(loc.file_name(), loc.line()), op, base_name(loc.file_name()),
                    loc.line(), expected, configured, by));
}

}  // namespace tensim
