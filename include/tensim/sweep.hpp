// Sweeps (`tensim sweep`): run one tensim command over the cartesian product of architecture
// overrides, each point a child process (`tensim <command> --set key=value... --json`), N at a
// time, and collects one CSV row per point: the varied values, the child's JSON scalars, status and
// error.
//
//   tensim sweep --over worker_grid=2x2,4x4,8x8 --over tensix.l1_size_kib=256,512 [-j N]
//                --out s.csv [--plot s.png] [--resume] -- matmul --m 2048 --k 2048 --n 2048
//
// A point that fails (the child exits non-zero, e.g. the matmul does not fit in L1) is a row with
// status `error` and the child's message, never the end of the sweep. Rows reach the file as
// points finish, so an interrupted sweep keeps them; `--resume` skips the points already in it.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tensim::sweep {

// One `--over key=v1,v2,...`: an architecture key and its values, in the order given; or, when
// the swept command has an option `--key` (`batch` for `llm --batch`), that option's values
// (`argument`: each point passes `--key value` instead of `--set key=value`).
struct Axis {
    std::string key;
    std::vector<std::string> values;
    bool argument = false;
};
// Throws ConfigError for a missing `=`, an empty key or value, or a value given twice.
Axis parse_axis(const std::string& spec);

// A point of the sweep: one value per axis, in axis order.
using Point = std::vector<std::string>;
// The cartesian product, the first axis varying slowest (as nested loops in the order given).
// Throws ConfigError when no axis is given or a key is varied twice.
std::vector<Point> expand(const std::vector<Axis>& axes);
// "worker_grid=4x4 tensix.l1_size_kib=512"
std::string describe(const std::vector<Axis>& axes, const Point& p);
// The arguments after the executable for one point: the command, then `--key value` per
// argument axis and `--set key=value` per architecture axis, then `--json` unless the command has
// it already.
std::vector<std::string> child_args(const std::vector<std::string>& command,
                                    const std::vector<Axis>& axes, const Point& p);

// The outcome of one point, as it goes into the CSV.
struct Row {
    Point point;
    bool ok = false;
    std::string error;  // when !ok: the child's error message (first line)
    std::vector<std::pair<std::string, std::string>>
        fields;  // column -> cell, in the child's order
};
// The scalars of a JSON object as CSV cells: nested objects flattened with dotted names
// (config.program), strings as they are, numbers and booleans as JSON writes them, null empty,
// arrays as compact JSON ([1,2]).
std::vector<std::pair<std::string, std::string>> flatten(const nlohmann::ordered_json& j);
// Makes a row from a finished child: its wait status (as waitpid gives it), stdout and stderr.
// ok when it exited with 0 and printed a JSON object (the last line of stdout that is one).
// Otherwise the error is the child's `error: ...` line, else the first line of its stderr, else
// how it ended (exit status, signal).
Row outcome(const Point& p, int wait_status, const std::string& out, const std::string& err);

// Columns of the CSV: the keys, then device_cycles, device_time_us, tflops, fpu_util and bound
// (those any row has), status, error, then every other field in order of first appearance.
std::vector<std::string> columns(const std::vector<std::string>& keys,
                                 const std::vector<Row>& rows);
std::string csv_line(const std::vector<std::string>& cells);  // RFC 4180 quoting, ends in "\n"
std::string csv_row(const std::vector<std::string>& columns, const Row& r);
std::string to_csv(const std::vector<std::string>& keys, const std::vector<Row>& rows);
// Parses RFC 4180 text (quoted cells may hold commas, quotes and newlines) into records.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);
// The rows of a sweep CSV written for `keys` (the first columns, in order). Rows whose status is
// neither ok nor error are dropped (they ran to no conclusion). Throws ConfigError when the file
// varies other keys, HostError when it cannot be read.
std::vector<Row> read_csv(const std::string& path, const std::vector<std::string>& keys);

struct Options {
    std::vector<Axis> axes;
    std::vector<std::string> command;    // e.g. {"matmul", "--m", "256", ...}
    unsigned jobs = 0;                   // points at once; 0: the number of cores
    std::string out;                     // CSV file (required)
    std::string plot;                    // PNG file, optional
    bool resume = false;                 // skip the points already in `out`
    std::string exe = "/proc/self/exe";  // the tensim binary the children run
};
struct Summary {
    size_t points = 0;          // in the product
    size_t skipped = 0;         // already in the CSV (--resume)
    size_t ok = 0, failed = 0;  // of the points run now
    bool interrupted = false;   // SIGINT / SIGTERM: the unfinished points are not in the CSV
    // run_mpi: this rank wrote the CSV, and the failed rows in it (of every rank).
    bool merged = false;
    size_t failed_total = 0;
};
// The TENSIM_MATH_THREADS each point gets when the user has not set it: points run side by side
// already use the host's cores, so a point's MathWorker gets the hardware threads left per point
// beyond its simulation thread (none when every thread runs a point), at most 4.
unsigned math_threads_per_point(unsigned jobs, unsigned hardware_threads);

// Runs the sweep; progress, one line per finished point, goes to `log`. Throws ConfigError /
// HostError for a bad sweep (not for a failing point).
Summary run(const Options& opt, std::ostream& log);

// The same sweep over the ranks mpirun started (`tensim sweep --mpi`), each rank running one point
// at a time as a child process; the ranks share the work through `<out>.mpi/` beside the CSV (a
// file system every rank sees), and the last to finish writes the CSV the one-process sweep would
// write. A rank that dies has its points run again by the others (mpirun must let the job go on:
// Open MPI's `--enable-recovery`; otherwise rerun with --resume). Throws ConfigError when no
// MPI rank is in the environment. Each rank calls it; `opt.jobs` is not used.
Summary run_mpi(const Options& opt, std::ostream& log);

}  // namespace tensim::sweep
