// Child processes (see tensim/process.hpp).
#include "tensim/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"

extern char** environ;

namespace tensim::process {

namespace {

// File descriptors this process opened for a child, closed when the child has them (or when
// starting it failed).
struct Fds {
    std::vector<int> fds;
    ~Fds() {
        for (int fd : fds) ::close(fd);
    }
    int add(int fd) { return fds.push_back(fd), fd; }
};

// This process's environment with `add`'s entries set (of a NAME given twice, the last).
std::vector<std::string> environment(const std::vector<std::string>& add) {
    std::vector<std::string> set;  // `add`'s entries, one per NAME
    auto name = [](const std::string& kv) { return kv.substr(0, kv.find('=') + 1); };  // with '='
    for (const auto& a : add) {
        const size_t eq = a.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InternalError("process: environment entry '" + a + "' is not NAME=value");
        std::erase_if(set, [&](const std::string& kv) { return name(kv) == name(a); });
        set.push_back(a);
    }
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        const std::string kv = *e;
        if (std::none_of(set.begin(), set.end(),
                         [&](const std::string& a) { return name(a) == name(kv); }))
            out.push_back(kv);
    }
    out.insert(out.end(), set.begin(), set.end());
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& words) {
    std::vector<char*> p;
    for (auto& w : words) p.push_back(w.data());
    p.push_back(nullptr);
    return p;
}

// posix_spawn's list of what the child does to its descriptors before exec.
struct FileActions {
    posix_spawn_file_actions_t fa;
    FileActions() { posix_spawn_file_actions_init(&fa); }
    ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
};

// Starts `c`; `capture_fd` is the write end of the capture pipe, if any stream is captured.
pid_t start_with(const Command& c, int capture_fd) {
    if (c.argv.empty()) throw InternalError("process::start: an empty command");
    const std::string& prog = c.program.empty() ? c.argv.front() : c.program;
    std::vector<std::string> argv_words = c.argv;
    std::vector<std::string> env_words =
        c.env.empty() ? std::vector<std::string>{} : environment(c.env);
    const std::vector<char*> argv = pointers(argv_words);
    const std::vector<char*> env = pointers(env_words);
    // Streams are opened here, not in the child (addopen), so that a failure names the file.
    // O_CLOEXEC: a child another thread starts meanwhile does not inherit them.
    Fds opened;
    FileActions actions;
    const Stream* streams[3] = {&c.in, &c.out, &c.err};
    for (int target = 0; target < 3; ++target) {
        const Stream& s = *streams[target];
        int fd = -1;
        switch (s.kind) {
            case Stream::Kind::inherit:
                continue;
            case Stream::Kind::null:
                fd = ::open("/dev/null", (target ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
                break;
            case Stream::Kind::file:
                fd = target ? ::open(s.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                            : ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
                break;
            case Stream::Kind::capture:
                if (target == 0 || capture_fd < 0)
                    throw InternalError(
                        fmt::format("process::start {}: only run() captures stdout/stderr", prog));
                fd = capture_fd;
                break;
        }
        if (fd < 0) {
            const char* why = std::strerror(errno);
            const char* names[3] = {"stdin", "stdout", "stderr"};
            throw CannotStart(fmt::format("cannot start {}: cannot open {} for its {}: {}", prog,
                                          s.kind == Stream::Kind::null ? "/dev/null" : s.path,
                                          names[target], why));
        }
        if (fd != capture_fd) opened.add(fd);
        posix_spawn_file_actions_adddup2(&actions.fa, fd, target);
    }
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, prog.c_str(), &actions.fa, nullptr, argv.data(),
                                c.env.empty() ? environ : env.data());
    if (rc != 0) throw CannotStart(fmt::format("cannot start {}: {}", prog, std::strerror(rc)));
    return pid;
}

}  // namespace

bool Exit::exited() const { return WIFEXITED(status); }
int Exit::code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
int Exit::signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

std::string Exit::describe() const {
    if (WIFSIGNALED(status))
        return fmt::format("killed by signal {} ({})", WTERMSIG(status),
                           strsignal(WTERMSIG(status)));
    return fmt::format("exit status {}", code());
}

pid_t start(const Command& c) { return start_with(c, -1); }

std::optional<Exit> poll(pid_t pid) {
    int status = 0;
    while (true) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return Exit{status};
        if (r == 0) return std::nullopt;
        if (errno != EINTR)
            throw HostError(fmt::format("waitpid {}: {}", pid, std::strerror(errno)));
    }
}

Exit wait(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw HostError(fmt::format("waitpid {}: {}", pid, std::strerror(errno)));
    return Exit{status};
}

Result run(const Command& c) {
    const bool capture = c.out.kind == Stream::Kind::capture || c.err.kind == Stream::Kind::capture;
    int pipe_fds[2] = {-1, -1};
    // O_CLOEXEC: a child another thread starts meanwhile must not hold the write end, or the
    // read below would wait for that child too.
    if (capture && ::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw CannotStart(fmt::format("cannot start {}: pipe2: {}", c.argv.empty() ? "" : c.argv[0],
                                      std::strerror(errno)));
    Fds read_end;
    if (capture) read_end.add(pipe_fds[0]);
    pid_t pid = 0;
    {
        Fds write_end;  // closed once the child has it, so the read ends when the child exits
        if (capture) write_end.add(pipe_fds[1]);
        pid = start_with(c, pipe_fds[1]);
    }
    Result r;
    if (capture) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
            if (n > 0) r.output.append(buf, size_t(n));
    }
    r.exit = wait(pid);
    return r;
}

}  // namespace tensim::process
