// Logging (sim/common/log.hpp): level specs, and SystemC's reports routed through the `systemc`
// logger, W571 (a starved sc_start, how every deadlock ends) demoted to a debug line.
#include <gtest/gtest.h>

#include <string>
#include <systemc>

#include "common/error.hpp"
#include "common/log.hpp"
#include "tensim/log.hpp"

namespace {

std::string stderr_of(void (*fn)()) {
    testing::internal::CaptureStderr();
    fn();
    return testing::internal::GetCapturedStderr();
}

void starved() { SC_REPORT_WARNING(sc_core::SC_ID_NO_SC_START_ACTIVITY_, "test"); }
void other_warning() { SC_REPORT_WARNING("tensim/test", "a warning of SystemC's"); }

}  // namespace

TEST(Log, SpecSetsEveryFamilyOrSome) {
    tensim::set_log_levels("info,noc=debug");
    EXPECT_EQ(tensim::log::noc().level(), spdlog::level::debug);
    EXPECT_EQ(tensim::log::jit().level(), spdlog::level::info);
    tensim::set_log_levels("warn");
    EXPECT_EQ(tensim::log::noc().level(), spdlog::level::warn);
    EXPECT_EQ(tensim::log::jit().level(), spdlog::level::warn);
}

TEST(Log, BadSpecIsAConfigErrorAndChangesNothing) {
    tensim::set_log_levels("warn");
    EXPECT_THROW(tensim::set_log_levels("noc=debug,nosuch=info"), tensim::ConfigError);
    EXPECT_THROW(tensim::set_log_levels("loud"), tensim::ConfigError);
    EXPECT_EQ(tensim::log::noc().level(), spdlog::level::warn);
}

TEST(Log, SystemCStarvationWarningIsADebugLine) {
    tensim::set_log_levels("warn");
    EXPECT_EQ(stderr_of(starved), "");
    tensim::set_log_levels("systemc=debug");
    const std::string shown = stderr_of(starved);
    EXPECT_NE(shown.find("tensim[systemc] debug"), std::string::npos) << shown;
    EXPECT_NE(shown.find("no activity"), std::string::npos) << shown;
    tensim::set_log_levels("warn");
}

TEST(Log, OtherSystemCWarningsStayWarnings) {
    tensim::set_log_levels("warn");
    const std::string shown = stderr_of(other_warning);
    EXPECT_NE(shown.find("tensim[systemc] warning: tensim/test: a warning of SystemC's"),
              std::string::npos)
        << shown;
}
