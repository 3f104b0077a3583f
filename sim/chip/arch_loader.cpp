#include "chip/arch_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/data_paths.hpp"
#include "common/params.hpp"

namespace tensim {

namespace fs = std::filesystem;

std::string arch_dir() {
    if (const char* d = std::getenv("TENSIM_ARCH_DIR")) return d;
    return data_paths().arch;
}

namespace {

nlohmann::json read_json(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw ConfigError(file + ": cannot open");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(file + ": not valid JSON: " + e.what());
    }
}

std::string resolve(const std::string& name_or_file) {
    if (fs::exists(name_or_file) && fs::is_regular_file(name_or_file)) return name_or_file;
    std::string f = arch_dir() + "/" + name_or_file + ".json";
    if (fs::exists(f)) return f;
    std::string known;
    if (fs::exists(arch_dir()))
        for (const auto& e : fs::directory_iterator(arch_dir()))
            if (e.path().extension() == ".json") known += " " + e.path().stem().string();
    throw ConfigError(
        fmt::format("unknown architecture '{}' (no such file; known:{})", name_or_file, known));
}

}  // namespace

ChipConfig load_chip(const nlohmann::json& j, const std::string& path) {
    // Each block reads its own section; the chip only assembles them and checks what spans blocks.
    ChipConfig c;
    c.source = j;
    Params p(j, path);
    p.value("name", c.name);
    p.constant("clock_mhz", "MHz", c.clock.freq_mhz, "the AI clock every block counts cycles of");
    p.require(c.clock.freq_mhz > 0 && c.clock.freq_mhz <= 10000, "clock_mhz",
              "must be in (0, 10000]");
    auto section = [&](const char* key, auto&& load) {
        Params s = p.child(key);
        load(s);
        s.finish();
    };
    section("grid", [&](Params& s) { c.load_grid(s); });
    section("noc", [&](Params& s) { c.noc.load(s); });
    section("dram", [&](Params& s) { c.dram.load(s); });
    section("tensix", [&](Params& s) { c.tensix.load(s); });
    section("risc", [&](Params& s) { c.risc.load(s); });
    section("compute", [&](Params& s) { c.compute.load(s); });
    section("eth", [&](Params& s) { c.eth.load(s); });
    section("sfpu", [&](Params& s) { c.compute.load_sfpu(s); });
    p.finish();
    c.validate(path);
    return c;
}

namespace {

// A board file with its chip inline, whatever form the file has: a chip file alone becomes a
// one-chip board of its whole Tensix grid, a named chip is read in.
nlohmann::json board_with_inline_chip(nlohmann::json j, const std::string& file) {
    if (!j.contains("chip")) {
        auto leaf = [&](const char* key, const char* unit) {
            nlohmann::json v = j.contains("grid") && j["grid"].contains(key)
                                   ? j["grid"][key]["value"]
                                   : nlohmann::json();
            return nlohmann::json{
                {"value", v}, {"unit", unit}, {"source", file + " (its Tensix grid)"}};
        };
        nlohmann::json board = {
            {"name", j.value("name", "chip")},
            {"num_chips", {{"value", 1}, {"unit", "chips"}, {"source", "a chip file alone"}}},
            {"worker_cols", leaf("tensix_cols", "x")},
            {"worker_rows", leaf("tensix_rows", "y")},
            {"mesh_shape",
             {{"value", {1, 1}}, {"unit", "rows,cols"}, {"source", "a chip file alone"}}},
            {"mesh_coords",
             {{"value", {{0, 0}}}, {"unit", "row,col per chip"}, {"source", "a chip file alone"}}},
            {"eth_links",
             {{"value", nlohmann::json::array()},
              {"unit", "chip,port,chip,port"},
              {"source", "a chip file alone"}}}};
        board["chip"] = std::move(j);
        return board;
    }
    if (j["chip"].is_string()) {
        std::string chip_file = resolve(j["chip"].get<std::string>());
        j["chip"] = read_json(chip_file);
    }
    return j;
}

// One `key=value` override: `worker_grid=XxY` keeps the first X worker columns and Y rows;
// `num_chips`, `worker_cols`, `worker_rows` are board keys; any other key is a dotted path to a
// constant of the chip (`tensix.l1_size_kib`, `clock_mhz`). The value replaces the constant's.
void apply_override(nlohmann::json& board, const std::string& kv) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("override '" + kv + "': expected key=value");
    std::string key = kv.substr(0, eq), text = kv.substr(eq + 1);
    nlohmann::json value;
    try {
        value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        value = text;
    }
    if (key == "worker_grid") {
        int gx = 0, gy = 0;
        if (std::sscanf(text.c_str(), "%dx%d", &gx, &gy) != 2 || gx < 1 || gy < 1)
            throw ConfigError("override worker_grid=" + text + ": expected XxY, e.g. 4x4");
        auto& cols = board["worker_cols"]["value"];
        auto& rows = board["worker_rows"]["value"];
        if (gx > int(cols.size()) || gy > int(rows.size()))
            throw ConfigError(fmt::format("override worker_grid={}: the board has {}x{} workers",
                                          text, cols.size(), rows.size()));
        cols.erase(cols.begin() + gx, cols.end());
        rows.erase(rows.begin() + gy, rows.end());
        board["worker_cols"]["source"] = board["worker_rows"]["source"] =
            "override worker_grid=" + text;
        return;
    }
    nlohmann::json* node = &board["chip"];
    if (key == "num_chips" || key == "worker_cols" || key == "worker_rows") node = &board;
    std::string path;
    for (size_t start = 0; start <= key.size();) {
        size_t dot = std::min(key.find('.', start), key.size());
        std::string part = key.substr(start, dot - start);
        path += (path.empty() ? "" : ".") + part;
        if (!node->is_object() || !node->contains(part)) {
            std::vector<std::string> keys;
            if (node->is_object())
                for (const auto& [k, _] : node->items()) keys.push_back(k);
            const std::string near = nearest_key(part, keys);
            throw ConfigError("override " + kv + ": unknown key '" + path + "'" +
                              (near.empty()
                                   ? std::string()
                                   : " (did you mean '" +
                                         path.substr(0, path.size() - part.size()) + near + "'?)"));
        }
        node = &(*node)[part];
        start = dot + 1;
    }
    if (!node->is_object() || !node->contains("value"))
        throw ConfigError("override " + kv + ": '" + key + "' is a group, not a constant");
    (*node)["value"] = value;
    (*node)["source"] = "override " + kv;
}

// A number of a link entry as T: a value that does not fit T (a fraction, a negative count,
// 1e99) is a ConfigError, never a conversion (float to int beyond its range is undefined).
template <typename T>
T link_number(const nlohmann::json& v, const std::string& at) {
    require(v.is_number(), at, "expected a number, got " + v.dump());
    const std::string bad = params_detail::Fits<T>::check(v);
    require(bad.empty(), at, bad);
    return v.get<T>();
}

// One link: [chip, port, chip, port], or {"ports": [[chip, port], [chip, port]], "dispatch": bool,
// "line_bytes_per_cycle": B/cycle, "link_latency_cycles": cycles} (docs/systems.md).
std::vector<EthLinkSpec> parse_links(const nlohmann::json& v, const std::string& where,
                                     const SystemConfig& s) {
    require(v.is_array(), where, "expected a list of links");
    std::vector<EthLinkSpec> out;
    std::set<std::pair<int, int>> used;
    for (size_t i = 0; i < v.size(); ++i) {
        const auto& l = v[i];
        const std::string at = fmt::format("{}[{}]", where, i);
        EthLinkSpec spec;
        try {
            if (l.is_array()) {
                require(l.size() == 4, at, "expected [chip, port, chip, port]");
                spec.chips = {link_number<int>(l[0], at), link_number<int>(l[2], at)};
                spec.channels = {link_number<int>(l[1], at), link_number<int>(l[3], at)};
            } else {
                require(l.is_object() && l.contains("ports"), at,
                        "expected [chip, port, chip, port] or an object with \"ports\"");
                for (const auto& [k, _] : l.items())
                    require(k == "ports" || k == "dispatch" || k == "line_bytes_per_cycle" ||
                                k == "link_latency_cycles",
                            at, "unknown key '" + k + "'");
                const auto& p = l.at("ports");
                require(p.is_array() && p.size() == 2 && p[0].size() == 2 && p[1].size() == 2, at,
                        "\"ports\" is [[chip, port], [chip, port]]");
                spec.chips = {link_number<int>(p[0][0], at), link_number<int>(p[1][0], at)};
                spec.channels = {link_number<int>(p[0][1], at), link_number<int>(p[1][1], at)};
                spec.dispatch = l.value("dispatch", false);
                if (l.contains("line_bytes_per_cycle"))
                    spec.line_bytes_per_cycle = link_number<double>(l["line_bytes_per_cycle"], at);
                if (l.contains("link_latency_cycles"))
                    spec.link_latency_cycles = link_number<Cycle>(l["link_latency_cycles"], at);
            }
        } catch (const nlohmann::json::exception& e) {
            throw ConfigError(at + ": bad value: " + e.what());
        }
        for (int side = 0; side < 2; ++side) {
            const int chip = spec.chips[side], ch = spec.channels[side];
            require(chip >= 0 && chip < s.num_chips && ch >= 0 &&
                        ch < static_cast<int>(s.chip.eth_tiles.size()),
                    at, fmt::format("port (chip {}, E{}) does not exist", chip, ch));
            require(used.insert({chip, ch}).second, at,
                    fmt::format("port (chip {}, E{}) is wired twice", chip, ch));
        }
        require(spec.chips[0] != spec.chips[1], at, "a link joins two different chips");
        require(!spec.line_bytes_per_cycle || *spec.line_bytes_per_cycle > 0, at,
                "line_bytes_per_cycle must be positive");
        out.push_back(spec);
    }
    return out;
}

nlohmann::json links_json(const std::vector<EthLinkSpec>& links) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : links) {
        nlohmann::json j = {{"ports", {{l.chips[0], l.channels[0]}, {l.chips[1], l.channels[1]}}},
                            {"dispatch", l.dispatch}};
        if (l.line_bytes_per_cycle) j["line_bytes_per_cycle"] = *l.line_bytes_per_cycle;
        if (l.link_latency_cycles) j["link_latency_cycles"] = *l.link_latency_cycles;
        out.push_back(j);
    }
    return out;
}

}  // namespace

namespace {
SystemConfig load_resolved(const std::string& file, const std::vector<std::string>& overrides);
}  // namespace

SystemConfig load_system(const std::string& name_or_file,
                         const std::vector<std::string>& overrides) {
    const std::string file = resolve(name_or_file);
    // The readers name the key they refuse; a JSON value of an unexpected type that slips past
    // them (found by fuzz/arch_file) is still the file's fault, never an untyped exception.
    try {
        return load_resolved(file, overrides);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(file + ": malformed: " + e.what());
    }
}

namespace {

SystemConfig load_resolved(const std::string& file, const std::vector<std::string>& overrides) {
    nlohmann::json j = board_with_inline_chip(read_json(file), file);
    for (const auto& o : overrides) apply_override(j, o);
    SystemConfig s;
    Params p(j, file);
    p.value("name", s.name);
    s.chip = load_chip(j.at("chip"), file + ": chip");
    p.child("chip");
    p.constant("num_chips", "chips", s.num_chips, "chips on the board");
    p.constant("worker_cols", "x", s.worker_cols, "NoC0 x of the logical worker grid columns");
    p.constant("worker_rows", "y", s.worker_rows, "NoC0 y of the logical worker grid rows");
    p.constant("mesh_shape", "rows,cols", s.mesh_shape, "rows and columns of the chip mesh");
    p.constant("mesh_coords", "row,col per chip", s.mesh_coords, "each chip's place in the mesh");
    nlohmann::json links;
    p.constant("eth_links", "chip,port,chip,port", links,
               "Ethernet links: [chip, port, chip, port] or an object with overrides");
    p.finish();
    // 128: four Galaxies. One process cannot map their L1 below 4 GiB (System says so); split
    // over ranks, each maps its own chips' (docs/scale-out.md).
    require(s.num_chips >= 1 && s.num_chips <= 128, file + ".num_chips", "must be in [1, 128]");
    require(!s.worker_cols.empty() && !s.worker_rows.empty(), file + ".worker_cols/rows",
            "empty worker grid");
    for (int x : s.worker_cols)
        for (int y : s.worker_rows)
            require(s.chip.is_tensix({x, y}), file + ".worker_cols/rows",
                    fmt::format("worker {}-{} is not a Tensix tile of {}", x, y, s.chip.name));
    require(s.mesh_coords.size() == static_cast<size_t>(s.num_chips), file + ".mesh_coords",
            fmt::format("needs one [row, col] per chip ({})", s.num_chips));
    for (size_t i = 0; i < s.mesh_coords.size(); ++i) {
        const auto [r, c] = s.mesh_coords[i];
        require(r >= 0 && r < s.mesh_shape[0] && c >= 0 && c < s.mesh_shape[1] &&
                    s.chip_at(r, c) == static_cast<int>(i),
                file + ".mesh_coords",
                fmt::format("chip {} at [{}, {}] is outside the {}x{} mesh or shares its place", i,
                            r, c, s.mesh_shape[0], s.mesh_shape[1]));
    }
    s.eth_links = parse_links(links, file + ".eth_links", s);
    return s;
}

}  // namespace

nlohmann::json to_json(const SystemConfig& s) {
    // A board file with its chip inline: load_system reads it back to the same configuration.
    auto c = [](auto v, const char* unit) {
        return nlohmann::json{{"value", v}, {"unit", unit}, {"source", "resolved"}};
    };
    return {{"name", s.name},
            {"chip", s.chip.source},
            {"num_chips", c(s.num_chips, "chips")},
            {"worker_cols", c(s.worker_cols, "x")},
            {"worker_rows", c(s.worker_rows, "y")},
            {"mesh_shape", c(s.mesh_shape, "rows,cols")},
            {"mesh_coords", c(s.mesh_coords, "row,col per chip")},
            {"eth_links", c(links_json(s.eth_links), "chip,port,chip,port")}};
}

}  // namespace tensim
