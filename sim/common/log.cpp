// The loggers of log.hpp, the level spec of tensim/log.hpp, and SystemC's report handler.
#include "common/log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <systemc>

#include "common/error.hpp"
#include "tensim/log.hpp"

namespace tensim::log {

namespace {

constexpr std::array<const char*, 11> kNames = {"noc", "dram", "tensix", "chip", "system", "host",
                                                "jit", "ops",  "report", "cli",  "systemc"};

spdlog::level::level_enum parse_level(const std::string& s) {
    const auto level = spdlog::level::from_str(s);
    // from_str answers `off` for anything it does not know; only "off" itself means off.
    if (level == spdlog::level::off && s != "off")
        throw ConfigError(
            fmt::format("log level '{}': expected trace, debug, info, warn, error or off", s));
    return level;
}

struct Loggers {
    std::array<std::shared_ptr<spdlog::logger>, kNames.size()> by_family;

    Loggers() {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        for (size_t i = 0; i < kNames.size(); ++i) {
            by_family[i] = std::make_shared<spdlog::logger>(kNames[i], sink);
            by_family[i]->set_pattern("tensim[%n] %l: %v");
            by_family[i]->set_level(spdlog::level::warn);
        }
        if (const char* env = std::getenv("TENSIM_LOG"); env && *env) {
            try {
                apply(env);
            } catch (const ConfigError& e) {
                by_family[size_t(Family::cli)]->warn("TENSIM_LOG ignored: {}", e.what());
            }
        }
    }

    void apply(const std::string& spec) {
        // Parse everything first, so a bad spec changes nothing.
        std::array<std::optional<spdlog::level::level_enum>, kNames.size()> levels;
        std::optional<spdlog::level::level_enum> rest;
        size_t start = 0;
        while (start <= spec.size()) {
            size_t end = spec.find(',', start);
            if (end == std::string::npos) end = spec.size();
            const std::string item = spec.substr(start, end - start);
            start = end + 1;
            if (item.empty()) continue;
            const size_t eq = item.find('=');
            if (eq == std::string::npos) {
                rest = parse_level(item);
                continue;
            }
            const std::string family = item.substr(0, eq);
            size_t i = 0;
            while (i < kNames.size() && family != kNames[i]) ++i;
            if (i == kNames.size())
                throw ConfigError(
                    fmt::format("log family '{}': expected one of noc, dram, tensix, chip, system, "
                                "host, jit, ops, report, cli, systemc",
                                family));
            levels[i] = parse_level(item.substr(eq + 1));
        }
        for (size_t i = 0; i < kNames.size(); ++i)
            if (levels[i] || rest) by_family[i]->set_level(levels[i] ? *levels[i] : *rest);
    }
};

Loggers& loggers() {
    static Loggers l;
    return l;
}

// SystemC's info and warning reports become log lines. W571 ("no activity or clock movement for
// sc_start()") is how a starved run ends, which is how tensim notices a deadlock: not news to a
// user, so it is a debug line. Errors and fatals keep SystemC's own handling (they throw).
void systemc_report(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
    const auto severity = report.get_severity();
    if (severity != sc_core::SC_INFO && severity != sc_core::SC_WARNING) {
        sc_core::sc_report_handler::default_handler(report, actions);
        return;
    }
    const bool starved =
        std::strcmp(report.get_msg_type(), sc_core::SC_ID_NO_SC_START_ACTIVITY_) == 0;
    const auto level =
        severity == sc_core::SC_INFO || starved ? spdlog::level::debug : spdlog::level::warn;
    if (actions & (sc_core::SC_DISPLAY | sc_core::SC_LOG))
        get(Family::systemc).log(level, "{}: {}", report.get_msg_type(), report.get_msg());
    sc_core::sc_report_handler::default_handler(report,
                                                actions & ~(sc_core::SC_DISPLAY | sc_core::SC_LOG));
}

// Installed when the library loads, before any SystemC report can be raised.
[[maybe_unused]] const bool g_systemc_handler =
    (sc_core::sc_report_handler::set_handler(&systemc_report), true);

}  // namespace

spdlog::logger& get(Family family) { return *loggers().by_family[size_t(family)]; }

}  // namespace tensim::log

namespace tensim {

void set_log_levels(const std::string& spec) { log::loggers().apply(spec); }

}  // namespace tensim
