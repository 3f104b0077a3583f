// Progress of a long run on a terminal: one line on stderr (simulated cycle, programs done, wall
// time), shown once the process has simulated for two seconds, rewritten in place and cleared when
// a program ends. Silent when stderr is not a terminal or $TENSIM_PROGRESS is 0.
#pragma once
#include <cstdint>

namespace tensim::report {

bool progress_enabled();             // stderr is a terminal and progress is not switched off
void progress_tick(uint64_t cycle);  // during a program, from System::run_until
void progress_program_done();        // after each program

}  // namespace tensim::report
