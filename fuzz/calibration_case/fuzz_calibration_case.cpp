// libFuzzer harness: a calibration file (shared/calibration/*.json, schema in its README.md) read
// by tensim::calibrate::load_cases, as `tensim calibrate FILE` reads it, and the report written
// for its cases (every one skipped: simulating them is not the reader's job). Seeds: the shipped
// case files' shapes (fuzz/calibration_case/corpus). A finding is anything but a ConfigError or
// HostError (fuzz_common.hpp).
#include <cstdint>
#include <vector>

#include "../fuzz_common.hpp"
#include "tensim/calibrate.hpp"
#include "tensim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace cal = tensim::calibrate;
    const std::string& file = tensim_fuzz::as_file(data, size, ".json");
    std::vector<cal::Case> cases;
    try {
        cases = cal::load_cases(file);
    } catch (const tensim::ConfigError&) {
        return 0;
    } catch (const tensim::HostError&) {
        return 0;
    }
    std::vector<cal::Result> results;
    for (const cal::Case& c : cases) {
        cal::Result r;
        r.id = c.id;
        r.kind = c.kind;
        r.metric = c.metric;
        r.measured = c.measured;
        // Every other case as if simulated (predicted = measured), so the summary has figures.
        if (results.size() % 2)
            r.predicted = c.measured, r.error_pct = 0.0;
        else
            r.skip_reason = "fuzz";
        r.notes.push_back(c.notes);
        results.push_back(r);
    }
    (void)cal::to_json(results).dump();
    (void)cal::to_csv(results);
    (void)cal::format_notes(results);
    (void)cal::format_summary(cal::summarize(results));
    return 0;
}
