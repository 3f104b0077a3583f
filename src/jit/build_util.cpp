#include "jit/build_util.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "tensim/process.hpp"

namespace tensim::jit {

uint64_t fnv1a(const std::string& s, uint64_t h) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::vector<std::string> split_words(const std::string& cmd) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < cmd.size(); ++i) {
        const char c = cmd[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const size_t end = cmd.find('\'', i + 1);
            if (end == std::string::npos)
                throw ConfigError("unterminated quote in the compiler command (TENSIM_CXX?): " +
                                  cmd);
            word += cmd.substr(i + 1, end - i - 1);
            i = end;
        } else if (c == '"') {
            for (++i; i < cmd.size() && cmd[i] != '"'; ++i) {
                if (cmd[i] == '\\' && i + 1 < cmd.size() &&
                    std::strchr("\"\\$`", cmd[i + 1]) != nullptr)
                    ++i;
                word += cmd[i];
            }
            if (i == cmd.size())
                throw ConfigError("unterminated quote in the compiler command (TENSIM_CXX?): " +
                                  cmd);
        } else if (c == '\\' && i + 1 < cmd.size()) {
            word += cmd[++i];
        } else {
            word += c;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

int run(const std::string& cmd, std::string& output) {
    // No shell: a cold start runs one compiler per kernel binary, and a `sh -c` in front of each
    // cost ~10 ms of CPU.
    process::Command c{.argv = split_words(cmd)};
    if (c.argv.empty()) throw InternalError("empty command");
    c.out = c.err = process::Stream::capture();
    try {
        process::Result r = process::run(c);
        output += r.output;
        return r.exit.code();
    } catch (const process::CannotStart& e) {
        output += std::string(e.what()) + "\n";
        return 127;  // as the shell reports a command it cannot run
    }
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string tmp_suffix() { return fmt::format("{}.{}", getpid(), gettid()); }

void publish_text(const std::filesystem::path& path, const std::string& text) {
    const std::string tmp = path.string() + ".tmp" + tmp_suffix();
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) std::filesystem::remove(tmp, ec);
}

uint64_t now_ns() {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

bool modified_since(const std::string& path, uint64_t started) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 &&
           uint64_t(st.st_mtim.tv_sec) * 1000000000ull + st.st_mtim.tv_nsec + 5000000ull >= started;
}

}  // namespace tensim::jit
