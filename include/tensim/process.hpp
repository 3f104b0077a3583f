// Child processes, started with posix_spawn and no shell: the kernel compiler (src/jit), one
// `tensim` per sweep point (src/sweep) and the runs of `tensim baseline` (tools/tensim). Part of
// the library so that all of them redirect, report failures and decode exit statuses the same way.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "tensim/error.hpp"

namespace tensim::process {

// The child never ran: its program, a stream's file or the capture pipe could not be set up.
class CannotStart : public HostError {
public:
    using HostError::HostError;
};

// Where one standard stream of a child goes.
struct Stream {
    enum class Kind {
        inherit,  // this process's own
        null,     // /dev/null
        file,     // `path`: read (stdin), or created / truncated with mode 0600 (stdout, stderr)
        capture,  // stdout, stderr: into Result::output (run() only); both into one pipe, in the
                  // order written, when both are captured
    };
    Kind kind = Kind::inherit;
    std::string path;

    static Stream inherit() { return {}; }
    static Stream null() { return {Kind::null, {}}; }
    static Stream file(std::string p) { return {Kind::file, std::move(p)}; }
    static Stream capture() { return {Kind::capture, {}}; }
};

struct Command {
    // argv[0] names the program, looked up on PATH when it has no '/' (posix_spawnp).
    std::vector<std::string> argv;
    // When not empty, the file executed instead of argv[0] (argv[0] is still what the child and
    // `ps` see), e.g. /proc/self/exe.
    std::string program;
    // "NAME=value" entries set in the child's environment, replacing inherited values of the same
    // NAME; the rest of this process's environment is inherited.
    std::vector<std::string> env;
    Stream in = Stream::null();  // stdin: /dev/null unless asked
    Stream out, err;             // stdout, stderr: this process's unless asked
};

// How a child ended, decoded from its wait status.
struct Exit {
    int status = 0;  // as waitpid gives it
    bool exited() const;
    int code() const;    // the exit code, or -1 when a signal ended it
    int signal() const;  // the signal that ended it, or 0
    bool ok() const { return exited() && code() == 0; }
    // "exit status 2", "killed by signal 9 (Killed)"; "exit status 0" for success.
    std::string describe() const;
};

// Starts the command and returns the child's pid, to be waited for with wait() or poll(). Throws
// CannotStart naming the program (or the file a stream could not open) and errno's text:
// "cannot start /x/cc: No such file or directory". Capture streams need run().
pid_t start(const Command& c);

// The child's end, waiting for it; HostError when waitpid fails (EINTR is retried).
Exit wait(pid_t pid);
// The child's end if it has ended, else nothing; HostError as wait().
std::optional<Exit> poll(pid_t pid);

struct Result {
    Exit exit;
    std::string output;  // what the captured streams wrote
};
// start(), reading the captured streams until the child closes them, then wait(). Throws as
// start() and wait().
Result run(const Command& c);

}  // namespace tensim::process
