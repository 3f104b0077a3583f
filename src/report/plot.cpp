// Runs the plotting scripts of tools/ (see plot.hpp).
#include "tensim/plot.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"
#include "jit/kernel_build.hpp"

namespace tensim::plot {

namespace {

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

}  // namespace

bool run_script(const std::string& script, const std::vector<std::string>& args,
                const std::string& who) {
    const std::string rel = "tools/" + script;
    std::string path;
    try {
        path = tensim::jit::resolve_kernel_path(rel);  // the source root lookup kernels use
    } catch (const HostError&) {
        std::cerr << who << ": plot skipped: " << rel << " not found under the source root\n";
        return false;
    }
    std::string line = quote(path);
    for (const auto& a : args) line += " " + quote(a);
    std::vector<std::string> pythons;
    if (std::filesystem::exists("/usr/bin/python3")) pythons.push_back("/usr/bin/python3");
    pythons.push_back("python3");
    for (const auto& py : pythons) {
        // Exit 3: this interpreter has no matplotlib; 127: no interpreter. Both: try the next one.
        const int status = std::system((py + " " + line + " 2>/dev/null").c_str());
        const int code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code == 0) return true;
        if (code == 3 || code == 127) continue;
        // Run again with its messages shown, to say what went wrong.
        [[maybe_unused]] const int again = std::system((py + " " + line).c_str());
        throw HostError(
            fmt::format("{}: the plot script {} failed (exit {}) under {}", who, rel, code, py));
    }
    std::cerr << who
              << ": plot skipped: matplotlib is not installed (Debian package python3-matplotlib: "
                 "apt-get install python3-matplotlib)\n";
    return false;
}

}  // namespace tensim::plot
