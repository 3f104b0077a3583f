#include "report/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tensim::report {

namespace {

using Clock = std::chrono::steady_clock;

struct State {
    bool enabled;
    Clock::time_point start = Clock::now(), last_print;
    uint64_t programs_done = 0;
    bool line_shown = false;
    State() {
        const char* env = std::getenv("TENSIM_PROGRESS");
        enabled = isatty(STDERR_FILENO) && !(env && std::strcmp(env, "0") == 0);
    }
};

State& state() {
    static State s;
    return s;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

bool progress_enabled() { return state().enabled; }

void progress_tick(uint64_t cycle) {
    State& s = state();
    if (!s.enabled) return;
    const Clock::time_point now = Clock::now();
    if (seconds(now - s.start) < 2.0 || (s.line_shown && seconds(now - s.last_print) < 0.25))
        return;
    std::fprintf(stderr, "\r\033[K[tensim] cycle %llu, %llu program%s done, %.1f s",
                 (unsigned long long)cycle, (unsigned long long)s.programs_done,
                 s.programs_done == 1 ? "" : "s", seconds(now - s.start));
    std::fflush(stderr);
    s.line_shown = true;
    s.last_print = now;
}

void progress_program_done() {
    State& s = state();
    ++s.programs_done;
    if (s.line_shown) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        s.line_shown = false;
    }
}

}  // namespace tensim::report
