// The options every subcommand takes (cli.hpp).
#include "cli.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>

#include "tensim/host/tensim.hpp"
#include "tensim/scaleout.hpp"

namespace tensim::cli {

void Common::add_to(CLI::App& cmd) {
    const char* group = "Common";
    cmd.add_option("--system", system,
                   "Board or chip name (n150, n300, wormhole_b0) or an architecture JSON file "
                   "(default: $TENSIM_SYSTEM, else n150)")
        ->type_name("NAME|FILE")
        ->group(group);
    cmd.add_option("--set", set,
                   "Override an architecture constant (tensix.l1_size_kib=512, worker_grid=4x4, "
                   "clock_mhz=1200); repeatable")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false)  // one value per --set: what follows is not swallowed
        ->group(group);
    cmd.add_option_function<std::string>(
           "--json",
           [this](const std::string& v) {
               json_given = true;
               // A bare --json comes through as CLI11's flag value "true".
               json = v == "true" || v == "-" ? "" : v;
           },
           "Machine-readable result: on stdout instead of the human text, or written to FILE")
        ->expected(0, 1)
        ->type_name("[FILE]")
        ->group(group);
}

std::string Common::system_name() const { return system.empty() ? tensim::system_name() : system; }

void Common::apply_system() const {
    as_usage([&] { tensim::set_system(system_name(), set); });
}

namespace {
nlohmann::ordered_json g_last_result;
std::map<const CLI::App*, std::unique_ptr<Expect>> g_expectations;
}  // namespace

const nlohmann::ordered_json& last_result() { return g_last_result; }

void Common::emit_json(const nlohmann::ordered_json& j) const {
    g_last_result = j;
    if (!json_given) return;
    if (json.empty()) {
        std::cout << j.dump() << "\n";
        return;
    }
    std::ofstream f(json);
    f << j.dump(2) << "\n";
    if (!f) throw tensim::HostError(fmt::format("cannot write {}", json));
}

namespace {
// --expect-cycles: N alone, or N then "+-" or "±" then P then "%".
const std::regex& expect_cycles_form() {
    static const std::regex form(R"(\s*([0-9]+)\s*(?:(?:\+-|±)\s*([0-9]*\.?[0-9]+)\s*%)?\s*)");
    return form;
}
}  // namespace

void Expect::add_to(CLI::App& cmd) {
    const char* group = "Expectations (CI)";
    cmd.add_option("--expect-cycles", cycles,
                   "Fail (exit 1) unless device cycles are N, or within P% of N (N+-P%)")
        ->type_name("N[+-P%]")
        ->check(CLI::Validator(
            [](std::string& s) -> std::string {
                // Refused before the run, not after it (it used to be read only then).
                return std::regex_match(s, expect_cycles_form())
                           ? ""
                           : "expected N or N+-P%, got '" + s + "'";
            },
            ""))
        ->group(group);
    cmd.add_option("--min-pcc", min_pcc, "Fail (exit 1) if the PCC is below X")
        ->check(CLI::Range(-1.0, 1.0))
        ->type_name("X")
        ->group(group);
}

int Expect::check(uint64_t got_cycles, std::optional<double> got_pcc) const {
    int rc = 0;
    if (!cycles.empty()) {
        // N alone, or N then "+-" or "±" then P then "%".
        const std::smatch m = as_usage([&] {
            std::smatch r;
            if (!std::regex_match(cycles, r, expect_cycles_form()))
                throw std::invalid_argument("--expect-cycles: expected N or N+-P%, got '" + cycles +
                                            "'");
            return r;
        });
        const double want = std::stod(m[1].str());
        const double tol = m[2].matched ? std::stod(m[2].str()) / 100.0 : 0.0;
        const double diff = double(got_cycles) - want;
        if (std::abs(diff) > tol * want) {
            // The share of N only when there is one (N = 0 has none).
            const std::string share =
                want > 0 ? fmt::format(", {:+.2f}%", 100.0 * diff / want) : std::string();
            std::cerr << fmt::format(
                "expectation failed: device cycles {} ({:+.0f} cycles{} of {}{})\n", got_cycles,
                diff, share, m[1].str(), m[2].matched ? ", tolerance " + m[2].str() + "%" : "");
            rc = 1;
        }
    }
    if (min_pcc >= -1) {
        if (!got_pcc) {
            std::cerr << "expectation failed: --min-pcc needs a PCC, and this run has none "
                         "(timing numerics)\n";
            rc = 1;
        } else if (*got_pcc < min_pcc) {
            std::cerr << fmt::format("expectation failed: PCC {:.6f} below {}\n", *got_pcc,
                                     min_pcc);
            rc = 1;
        }
    }
    return rc;
}

void Mpi::add_to(CLI::App& cmd) {
    cmd.add_flag("--mpi", on,
                 "Split the system's chips over the MPI ranks mpirun started (docs/scale-out.md)");
}

void Mpi::start(Common& common, const std::string&) const {
    if (!on) return;
    // Any numerics: a host read of a chip another rank simulates returns its owner's bytes.
    scaleout::init_mpi();
    if (scaleout::rank() == 0) return;
    static std::ostream null_out(nullptr);  // a stream with no buffer drops what it is given
    std::cout.rdbuf(null_out.rdbuf());
    common.json_given = false;
}

int Expect::check(const nlohmann::ordered_json& result) const {
    std::optional<uint64_t> got;
    std::string name;
    if (result.is_object()) {
        for (const auto& [k, v] : result.items()) {
            const bool count = v.is_number_unsigned() || v.is_number_integer();
            if (count && (k == "device_cycles" ||
                          (!got && k.size() >= 6 && k.compare(k.size() - 6, 6, "cycles") == 0)))
                got = v.get<uint64_t>(), name = k;
            if (k == "device_cycles" && count) break;
        }
    }
    if (!cycles.empty() && !got)
        throw UsageError("--expect-cycles: this run reports no cycle count");
    std::optional<double> pcc;
    if (result.is_object() && result.contains("pcc") && result.at("pcc").is_number())
        pcc = result.at("pcc").get<double>();
    Expect e = *this;
    if (!got) e.cycles.clear();
    return e.check(got.value_or(0), pcc);
}

void add_expectations(CLI::App& cmd) {
    const auto subs = cmd.get_subcommands([](CLI::App*) { return true; });
    if (!subs.empty()) {
        for (CLI::App* s : subs) add_expectations(*s);
        return;
    }
    if (cmd.get_option_no_throw("--expect-cycles")) return;
    auto& e = g_expectations[&cmd];
    e = std::make_unique<Expect>();
    e->add_to(cmd);
}

int check_expectations(CLI::App& cmd) {
    for (CLI::App* s : cmd.get_subcommands([](CLI::App*) { return true; }))
        if (s->parsed()) return check_expectations(*s);
    const auto it = g_expectations.find(&cmd);
    if (it == g_expectations.end() || !it->second->given()) return kOk;
    return it->second->check(last_result());
}

}  // namespace tensim::cli
