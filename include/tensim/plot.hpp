// Pictures are optional: tensim draws them with a Python script under tools/ and matplotlib, and
// says so (without failing the run) when no interpreter with matplotlib is installed. Part of the
// library so that the CLI, calibrate and sweep draw the same way.
#pragma once
#include <string>
#include <vector>

namespace tensim::plot {

// Runs `python3 tools/<script> args...` with Debian's interpreter (/usr/bin/python3, which sees
// python3-matplotlib), else the first python3 on PATH. Returns true when the picture was drawn;
// false, after printing why on stderr prefixed with `who`, when the script is not found or no
// interpreter has matplotlib (the scripts exit with status 3 then). Throws HostError when the
// script fails otherwise (its messages are shown).
bool run_script(const std::string& script, const std::vector<std::string>& args,
                const std::string& who);

}  // namespace tensim::plot
