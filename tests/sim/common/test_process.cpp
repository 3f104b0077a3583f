// tensim::process: children writing into files and a captured pipe, their environment, a program
// that cannot start as a HostError naming it, and exit statuses and signals decoded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tensim/error.hpp"
#include "tensim/process.hpp"

namespace fs = std::filesystem;
using namespace tensim::process;

namespace {

// A directory of this test process, removed when it ends.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("tensim-test-process-" + std::to_string(getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Command sh(const std::string& script) { return {.argv = {"sh", "-c", script}}; }

// The message of the HostError `f` throws ("" when it throws none).
template <class F>
std::string host_error_of(F f) {
    try {
        f();
    } catch (const tensim::HostError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Process, StreamsIntoFilesAndFromAFile) {
    ScratchDir dir;
    std::ofstream(dir.path / "in") << "from the file\n";
    Command c = sh("cat; echo to-err >&2");
    c.in = Stream::file((dir.path / "in").string());
    c.out = Stream::file((dir.path / "out").string());
    c.err = Stream::file((dir.path / "err").string());
    const Result r = run(c);
    EXPECT_TRUE(r.exit.ok()) << r.exit.describe();
    EXPECT_EQ(r.output, "");
    EXPECT_EQ(slurp(dir.path / "out"), "from the file\n");
    EXPECT_EQ(slurp(dir.path / "err"), "to-err\n");
    // A file is truncated, not appended to.
    c.argv = {"sh", "-c", "echo again"};
    ASSERT_TRUE(run(c).exit.ok());
    EXPECT_EQ(slurp(dir.path / "out"), "again\n");
}

TEST(Process, CapturedStreamsShareOnePipeInOrder) {
    Command c = sh("echo one; echo two >&2; echo three");
    c.out = c.err = Stream::capture();
    EXPECT_EQ(run(c).output, "one\ntwo\nthree\n");
    c.err = Stream::null();  // stdout only
    EXPECT_EQ(run(c).output, "one\nthree\n");
    // stdin is /dev/null unless asked otherwise: `cat` ends at once.
    Command cat{.argv = {"cat"}, .out = Stream::capture()};
    const Result r = run(cat);
    EXPECT_TRUE(r.exit.ok());
    EXPECT_EQ(r.output, "");
    // Capturing needs run(), which reads the pipe.
    EXPECT_THROW(start(cat), tensim::InternalError);
}

TEST(Process, EnvironmentAddsAndReplaces) {
    ASSERT_EQ(setenv("TENSIM_TEST_PROCESS_KEPT", "kept", 1), 0);
    ASSERT_EQ(setenv("TENSIM_TEST_PROCESS_SET", "old", 1), 0);
    Command c =
        sh("echo \"$TENSIM_TEST_PROCESS_KEPT $TENSIM_TEST_PROCESS_SET $TENSIM_TEST_PROCESS_NEW\"; "
           "env | grep -c '^TENSIM_TEST_PROCESS_SET='; env | grep -c '^TENSIM_TEST_PROCESS_NEW='");
    // A NAME given twice: the child gets it once, the last value.
    c.env = {"TENSIM_TEST_PROCESS_SET=new", "TENSIM_TEST_PROCESS_NEW=first",
             "TENSIM_TEST_PROCESS_NEW=x=y"};
    c.out = Stream::capture();
    EXPECT_EQ(run(c).output, "kept new x=y\n1\n1\n");
    // This process's own environment is left as it was.
    EXPECT_STREQ(std::getenv("TENSIM_TEST_PROCESS_SET"), "old");
    EXPECT_EQ(std::getenv("TENSIM_TEST_PROCESS_NEW"), nullptr);
    unsetenv("TENSIM_TEST_PROCESS_KEPT"), unsetenv("TENSIM_TEST_PROCESS_SET");
}

TEST(Process, ProgramOtherThanArgvZero) {
    Command c{.argv = {"shown-name", "-c", "echo $0"}, .program = "/bin/sh"};
    c.out = Stream::capture();
    EXPECT_EQ(run(c).output, "shown-name\n");
}

TEST(Process, AProgramThatCannotStartIsAHostErrorNamingIt) {
    const std::string enoent = std::strerror(ENOENT);
    for (const std::string prog : {"/nonexistent/tensim-cxx", "tensim-no-such-program"}) {
        const std::string msg = host_error_of([&] { run({.argv = {prog, "-c", "x.cpp"}}); });
        EXPECT_NE(msg.find("cannot start " + prog), std::string::npos) << msg;
        EXPECT_NE(msg.find(enoent), std::string::npos) << msg;
    }
    // A stream that cannot be opened names its file and the stream.
    const std::string msg = host_error_of(
        [] { start({.argv = {"true"}, .out = Stream::file("/nonexistent/dir/out")}); });
    EXPECT_NE(msg.find("/nonexistent/dir/out"), std::string::npos) << msg;
    EXPECT_NE(msg.find("stdout"), std::string::npos) << msg;
    EXPECT_NE(msg.find(enoent), std::string::npos) << msg;
}

TEST(Process, ExitStatusAndSignals) {
    const Exit three = run(sh("exit 3")).exit;
    EXPECT_TRUE(three.exited());
    EXPECT_FALSE(three.ok());
    EXPECT_EQ(three.code(), 3);
    EXPECT_EQ(three.signal(), 0);
    EXPECT_EQ(three.describe(), "exit status 3");
    EXPECT_TRUE(run(sh("exit 0")).exit.ok());

    const Exit term = run(sh("kill -TERM $$")).exit;
    EXPECT_FALSE(term.exited());
    EXPECT_FALSE(term.ok());
    EXPECT_EQ(term.code(), -1);
    EXPECT_EQ(term.signal(), SIGTERM);
    EXPECT_EQ(term.describe(), std::string("killed by signal 15 (") + strsignal(SIGTERM) + ")");

    // start / poll / wait: a child that cannot end on its own is running until it is killed.
    const pid_t pid = start({.argv = {"sleep", "1000"}});
    EXPECT_FALSE(poll(pid).has_value());
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    const Exit killed = wait(pid);
    EXPECT_EQ(killed.signal(), SIGKILL);
    // Waiting for a child that is gone is an error that says so.
    EXPECT_NE(host_error_of([&] { wait(pid); }).find("waitpid"), std::string::npos);
}
