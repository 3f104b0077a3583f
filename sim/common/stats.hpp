// Stats groups: each block registers the counters it keeps, beside the members they count, under
// its path ("chip0.noc0.link_3_4_east"), with a unit and a one-line description (gem5's stats
// groups, Ramulator 2's register_stat). A counter stays a plain integer member that the hot path
// increments; the group only holds its address. Derived figures (utilisation = busy / elapsed)
// are formulas evaluated when the group is dumped. The report assembles groups; it does not know
// which blocks exist.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tensim::stats {

// What a dump knows that the counters do not: the window they were counted over.
struct Window {
    double elapsed_cycles = 1;  // cycles, > 0
};

// Run-wide figures that stats fold into, by name (the report's summary reads them).
namespace figure {
inline constexpr const char* noc_util = "noc_util";      // busiest NoC link, NIU port or feed
inline constexpr const char* dram_util = "dram_util";    // busiest DRAM channel
inline constexpr const char* noc_bytes = "noc_bytes";    // B delivered by the NoC
inline constexpr const char* dram_bytes = "dram_bytes";  // B read from and written to DRAM
}  // namespace figure

enum class Fold { sum, max };

// A dump: every visible stat as "<group path>.<stat name>" -> number, and the folded figures.
struct Dump {
    nlohmann::json values = nlohmann::json::object();
    std::map<std::string, double> figures;
    double figure(const std::string& name) const;  // 0 when nothing folded into it
    // The values as {group path: {stat name: value}}.
    nlohmann::json grouped() const;
};

// Groups neither copy nor move: they hold the addresses of their block's members, and a parent
// holds its children's. A child must outlive every dump or reset of its parent.
class Group {
public:
    explicit Group(std::string path) : m_path(std::move(path)) {}
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;

    const std::string& path() const { return m_path; }

    // Registers `value` (a member of the block) as the counter `name`; reset() zeroes it.
    Group& counter(std::string name, uint64_t& value, std::string unit, std::string desc);
    // Registers a figure computed from the counters when dumped.
    Group& formula(std::string name, std::function<double(const Window&)> f, std::string unit,
                   std::string desc);
    // The stat registered last also folds into the run-wide `figure` (sum or max).
    Group& folds_into(const char* figure, Fold how);
    // The stat registered last is kept out of the dump's values (it only folds, or only resets).
    Group& hidden();
    // The group (and its children) is dumped only while `value` is non-zero: a link that carried
    // no packet does not appear.
    Group& shown_if(const uint64_t& value);
    void add(Group& child) { m_children.push_back(&child); }

    // Adds this group's and its children's stats to `out`.
    void dump(const Window& w, Dump& out) const;
    Dump dump(const Window& w) const;
    void reset();  // zeroes every counter here and below; formulas follow
    // Every stat here and below, visible or not: "<path>.<name>" -> {unit, desc}.
    nlohmann::json catalogue() const;

private:
    struct Stat {
        std::string name, unit, desc;
        uint64_t* counter = nullptr;                   // a counter, or
        std::function<double(const Window&)> formula;  // a formula
        const char* figure = nullptr;
        Fold fold = Fold::sum;
        bool visible = true;
    };
    Stat& last();

    std::string m_path;
    std::vector<Stat> m_stats;
    std::vector<Group*> m_children;
    const uint64_t* m_shown_if = nullptr;
};

}  // namespace tensim::stats
