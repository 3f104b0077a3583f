#include "chip/arch_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "common/params.hpp"
#include "numerics/sfpu.hpp"

namespace tensim {

namespace fs = std::filesystem;

std::string arch_dir() {
    if (const char* d = std::getenv("TENSIM_ARCH_DIR")) return d;
    return std::string(TENSIM_SOURCE_DIR) + "/sim/arch";
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
    throw ConfigError(fmt::format("unknown architecture '{}' (no such file; known:{})",
                                  name_or_file, known));
}

std::vector<NocXY> xy_list(const std::vector<std::array<int, 2>>& v) {
    std::vector<NocXY> out;
    for (auto [x, y] : v) out.push_back({x, y});
    return out;
}

void require(bool ok, const std::string& where, const std::string& what) {
    if (!ok) throw ConfigError(where + ": " + what);
}

}  // namespace

ChipConfig load_chip(const nlohmann::json& j, const std::string& path) {
    ChipConfig c;
    c.source = j;
    Params p(j, path);
    p.value("name", c.name);
    p.constant("clock_mhz", "MHz", c.clock.freq_mhz);
    require(c.clock.freq_mhz > 0 && c.clock.freq_mhz <= 10000, path + ".clock_mhz", "must be in (0, 10000]");

    Params g = p.child("grid");
    std::array<int, 2> size{10, 12};
    g.constant("size", "tiles", size);
    c.noc.grid_x = size[0];
    c.noc.grid_y = size[1];
    g.constant("tensix_cols", "x", c.tensix_cols);
    g.constant("tensix_rows", "y", c.tensix_rows);
    std::vector<std::vector<std::array<int, 2>>> groups;
    g.constant("dram_groups", "xy", groups);
    for (auto& grp : groups) c.dram_groups.push_back(xy_list(grp));
    g.constant("dram_bank_endpoints", "endpoint index per noc", c.dram_bank_endpoints);
    std::vector<std::array<int, 2>> eth, pcie, arc;
    g.constant("eth", "xy", eth);
    g.constant("pcie", "xy", pcie);
    g.constant("arc", "xy", arc);
    c.eth = xy_list(eth);
    c.pcie = xy_list(pcie);
    c.arc = xy_list(arc);
    g.finish();

    Params n = p.child("noc");
    n.constant("flit_bytes", "B", c.noc.flit_bytes);
    n.constant("max_packet_payload_bytes", "B", c.noc.max_packet_payload_bytes);
    n.constant("link_bytes_per_cycle", "B/cycle", c.noc.link_bytes_per_cycle);
    n.constant("router_hop_cycles", "cycles", c.noc.router_hop_cycles);
    n.constant("niu_latency_cycles", "cycles", c.noc.niu_latency_cycles);
    n.constant("niu_inject_bytes_per_cycle", "B/cycle", c.noc.niu_inject_bytes_per_cycle);
    n.constant("niu_absorb_bytes_per_cycle", "B/cycle", c.noc.niu_absorb_bytes_per_cycle);
    PortBufferConfig& pb = c.noc.endpoint_buffer;
    n.constant("router_vc_reserved_bytes", "B", pb.vc_reserved_bytes);
    n.constant("router_shared_pool_bytes", "B", pb.shared_pool_bytes);
    n.constant("router_vc_shared_max_bytes", "B", pb.vc_shared_max_bytes);
    n.constant("router_exhausted_bytes_per_cycle", "B/cycle", pb.exhausted_bytes_per_cycle);
    n.constant("l1_alignment_bytes", "B", c.l1_alignment_bytes);
    n.constant("dram_alignment_bytes", "B", c.dram_alignment_bytes);
    n.finish();
    require(c.noc.flit_bytes > 0 && c.noc.link_bytes_per_cycle > 0 &&
                c.noc.niu_inject_bytes_per_cycle > 0 && c.noc.niu_absorb_bytes_per_cycle > 0,
            path + ".noc", "sizes and bandwidths must be positive");
    require(c.noc.max_packet_payload_bytes >= c.noc.flit_bytes, path + ".noc.max_packet_payload_bytes",
            "must hold at least one flit");
    require(pb.exhausted_bytes_per_cycle > 0, path + ".noc.router_exhausted_bytes_per_cycle", "must be positive");
    require(pb.vc_shared_max_bytes <= pb.shared_pool_bytes, path + ".noc.router_vc_shared_max_bytes",
            "must not exceed router_shared_pool_bytes");

    Params d = p.child("dram");
    uint64_t channel_mib = c.dram.channel_size_bytes >> 20;
    d.constant("channels", "channels", c.dram.channels);
    d.constant("channel_size_mib", "MiB", channel_mib);
    c.dram.channel_size_bytes = channel_mib << 20;
    d.constant("channel_bytes_per_cycle", "B/cycle", c.dram.channel_bytes_per_cycle);
    d.constant("read_latency_cycles", "cycles", c.dram.read_latency_cycles);
    d.constant("write_latency_cycles", "cycles", c.dram.write_latency_cycles);
    d.constant("unreserved_base_bytes", "B", c.dram_unreserved_base_bytes);
    d.finish();
    // Fewer channels than the groups hold leave the last groups' channels unpopulated.
    require(c.dram.channels > 0 && c.dram.channels <= 2 * static_cast<int>(c.dram_groups.size()),
            path + ".dram.channels", fmt::format("must be 1..{} (2 per DRAM group in grid.dram_groups)",
                                                 2 * c.dram_groups.size()));
    require(c.dram.channel_bytes_per_cycle > 0, path + ".dram.channel_bytes_per_cycle", "must be positive");
    require(c.dram_bank_endpoints.size() >= static_cast<size_t>(c.dram.channels), path + ".grid.dram_bank_endpoints",
            fmt::format("needs an entry for each of the {} DRAM channels", c.dram.channels));
    for (size_t b = 0; b < c.dram_bank_endpoints.size(); ++b)
        for (int i : c.dram_bank_endpoints[b])
            require(b / 2 < c.dram_groups.size() && i >= 0 && static_cast<size_t>(i) < c.dram_groups[b / 2].size(),
                    path + ".grid.dram_bank_endpoints",
                    fmt::format("bank {}: endpoint index {} is not an endpoint of DRAM group {}", b, i, b / 2));
    require(channel_mib >= 1 && channel_mib <= 2048, path + ".dram.channel_size_mib",
            "must be in [1, 2048] (bank offsets are 32-bit)");

    Params t = p.child("tensix");
    t.constant("l1_size_kib", "KiB", c.tensix.l1_size_kib);
    t.constant("l1_unreserved_base_bytes", "B", c.tensix.l1_unreserved_base_bytes);
    t.constant("l1_access_latency_cycles", "cycles", c.tensix.l1_access_latency_cycles);
    t.constant("noc_l1_read_bytes_per_cycle", "B/cycle", c.tensix.noc_l1_read_bytes_per_cycle);
    t.constant("max_kernels_per_core", "kernels", c.tensix.max_kernels_per_core);
    t.constant("num_circular_buffers", "CBs", c.tensix.num_circular_buffers);
    t.constant("num_semaphores", "semaphores", c.tensix.num_semaphores);
    t.constant("max_runtime_args", "words", c.tensix.max_runtime_args);
    t.finish();
    require(c.tensix.l1_size_bytes() > c.tensix.l1_unreserved_base_bytes, path + ".tensix.l1_size_kib",
            fmt::format("L1 of {} KiB leaves no room above the reserved {} B", c.tensix.l1_size_kib,
                        c.tensix.l1_unreserved_base_bytes));
    require(c.tensix.l1_size_kib <= 64 * 1024, path + ".tensix.l1_size_kib", "must be at most 64 MiB");
    require(c.tensix.noc_l1_read_bytes_per_cycle > 0, path + ".tensix.noc_l1_read_bytes_per_cycle",
            "must be positive");
    require(c.tensix.num_circular_buffers <= 32 && c.tensix.num_semaphores <= 16 &&
                c.tensix.max_runtime_args <= 341,
            path + ".tensix", "tensim's firmware layout holds at most 32 CBs, 16 semaphores, 341 args");

    Params r = p.child("risc");
    r.constant("noc_cmd_issue_cycles", "cycles", c.risc.noc_cmd_issue_cycles);
    r.constant("noc_barrier_cycles", "cycles", c.risc.noc_barrier_cycles);
    r.constant("cb_api_cycles", "cycles", c.risc.cb_api_cycles);
    r.constant("semaphore_api_cycles", "cycles", c.risc.semaphore_api_cycles);
    r.constant("kernel_start_cycles", "cycles", c.risc.kernel_start_cycles);
    r.finish();

    Params cp = p.child("compute");
    ComputeEngineConfig& k = c.compute;
    cp.constant("unpack_bytes_per_cycle", "B/cycle", k.unpack_bytes_per_cycle);
    cp.constant("unpack_slow_bytes_per_cycle", "B/cycle", k.unpack_slow_bytes_per_cycle);
    cp.constant("unpack_combined_bytes_per_cycle", "B/cycle", k.unpack_combined_bytes_per_cycle);
    cp.constant("unpack_setup_cycles_per_face", "cycles", k.unpack_setup_cycles_per_face);
    cp.constant("unpack_call_cycles", "cycles", k.unpack_call_cycles);
    cp.constant("fpu_matmul_cycles_per_phase", "cycles/tile", k.fpu_matmul_cycles_per_phase);
    cp.constant("fpu_matmul_call_cycles", "cycles", k.fpu_matmul_call_cycles);
    cp.constant("fpu_eltwise_cycles", "cycles/tile", k.fpu_eltwise_cycles);
    cp.constant("fpu_datacopy_cycles", "cycles/tile", k.fpu_datacopy_cycles);
    cp.constant("fpu_reduce_cycles_per_phase", "cycles/tile", k.fpu_reduce_cycles_per_phase);
    cp.constant("pack_bytes_per_cycle", "B/cycle", k.pack_bytes_per_cycle);
    cp.constant("pack_setup_cycles_per_face", "cycles", k.pack_setup_cycles_per_face);
    cp.constant("pack_l1_acc_cycles_per_write", "cycles", k.pack_l1_acc_cycles_per_write);
    cp.constant("trisc_api_cycles", "cycles", k.trisc_api_cycles);
    cp.finish();
    require(k.unpack_bytes_per_cycle > 0 && k.unpack_slow_bytes_per_cycle > 0 && k.pack_bytes_per_cycle > 0,
            path + ".compute", "bandwidths must be positive");

    // SFPU cycles per tile, {approx, precise}, per operation name.
    if (j.contains("sfpu")) {
        Params sp = p.child("sfpu");
        for (const auto& [name, _] : j.at("sfpu").items()) {
            auto op = numerics::parse_sfpu_op(name);
            if (!op) throw ConfigError(path + ".sfpu: unknown SFPU operation '" + name + "'");
            std::array<Cycle, 2> cycles{};
            sp.constant(name.c_str(), "cycles/tile approx,precise", cycles);
            k.sfpu_cycles[*op] = cycles;
        }
        sp.finish();
    }

    Params e = p.child("eth");
    e.constant("link_gbytes_per_s", "GB/s", c.eth_link_gbytes_per_s);
    e.constant("link_latency_ns", "ns", c.eth_link_latency_ns);
    e.finish();
    p.finish();

    for (int x : c.tensix_cols) require(x >= 0 && x < c.noc.grid_x, path + ".grid.tensix_cols", "outside the grid");
    for (int y : c.tensix_rows) require(y >= 0 && y < c.noc.grid_y, path + ".grid.tensix_rows", "outside the grid");
    for (const auto& grp : c.dram_groups) {
        require(!grp.empty(), path + ".grid.dram_groups", "a group needs at least one endpoint");
        for (auto xy : grp)
            require(xy.x >= 0 && xy.x < c.noc.grid_x && xy.y >= 0 && xy.y < c.noc.grid_y && !c.is_tensix(xy),
                    path + ".grid.dram_groups",
                    fmt::format("endpoint {}-{} is outside the grid or on a Tensix tile", xy.x, xy.y));
    }
    return c;
}

bool ChipConfig::is_tensix(NocXY xy) const {
    return std::find(tensix_cols.begin(), tensix_cols.end(), xy.x) != tensix_cols.end() &&
           std::find(tensix_rows.begin(), tensix_rows.end(), xy.y) != tensix_rows.end();
}

std::vector<DramBank> ChipConfig::dram_banks() const {
    std::vector<DramBank> banks;
    for (int b = 0; b < dram.channels; ++b) {
        const auto& grp = dram_groups[b / 2];
        const auto& idx = dram_bank_endpoints[static_cast<size_t>(b)];
        banks.push_back({b, {grp[static_cast<size_t>(idx[0])], grp[static_cast<size_t>(idx[1])]},
                         static_cast<uint32_t>((b % 2) * dram.channel_size_bytes)});
    }
    return banks;
}

namespace {

// A board file with its chip inline, whatever form the file has: a chip file alone becomes a
// one-chip board of its whole Tensix grid, a named chip is read in.
nlohmann::json board_with_inline_chip(nlohmann::json j, const std::string& file) {
    if (!j.contains("chip")) {
        auto leaf = [&](const char* key, const char* unit) {
            nlohmann::json v = j.contains("grid") && j["grid"].contains(key) ? j["grid"][key]["value"] : nlohmann::json();
            return nlohmann::json{{"value", v}, {"unit", unit}, {"source", file + " (its Tensix grid)"}};
        };
        nlohmann::json board = {{"name", j.value("name", "chip")},
                                {"num_chips", {{"value", 1}, {"unit", "chips"}, {"source", "a chip file alone"}}},
                                {"worker_cols", leaf("tensix_cols", "x")},
                                {"worker_rows", leaf("tensix_rows", "y")},
                                {"eth_links", {{"value", nlohmann::json::array()}, {"unit", "chip,port,chip,port"},
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
    if (eq == std::string::npos || eq == 0) throw ConfigError("override '" + kv + "': expected key=value");
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
            throw ConfigError(fmt::format("override worker_grid={}: the board has {}x{} workers", text, cols.size(),
                                          rows.size()));
        cols.erase(cols.begin() + gx, cols.end());
        rows.erase(rows.begin() + gy, rows.end());
        board["worker_cols"]["source"] = board["worker_rows"]["source"] = "override worker_grid=" + text;
        return;
    }
    nlohmann::json* node = &board["chip"];
    if (key == "num_chips" || key == "worker_cols" || key == "worker_rows") node = &board;
    std::string path;
    for (size_t start = 0; start <= key.size();) {
        size_t dot = std::min(key.find('.', start), key.size());
        std::string part = key.substr(start, dot - start);
        path += (path.empty() ? "" : ".") + part;
        if (!node->is_object() || !node->contains(part))
            throw ConfigError("override " + kv + ": unknown key '" + path + "'");
        node = &(*node)[part];
        start = dot + 1;
    }
    if (!node->is_object() || !node->contains("value"))
        throw ConfigError("override " + kv + ": '" + key + "' is a group, not a constant");
    (*node)["value"] = value;
    (*node)["source"] = "override " + kv;
}

}  // namespace

SystemConfig load_system(const std::string& name_or_file, const std::vector<std::string>& overrides) {
    std::string file = resolve(name_or_file);
    nlohmann::json j = board_with_inline_chip(read_json(file), file);
    for (const auto& o : overrides) apply_override(j, o);
    SystemConfig s;
    Params p(j, file);
    p.value("name", s.name);
    s.chip = load_chip(j.at("chip"), file + ": chip");
    p.child("chip");
    p.constant("num_chips", "chips", s.num_chips);
    p.constant("worker_cols", "x", s.worker_cols);
    p.constant("worker_rows", "y", s.worker_rows);
    p.constant("eth_links", "chip,port,chip,port", s.eth_links);
    p.finish();
    require(s.num_chips >= 1 && s.num_chips <= 64, file + ".num_chips", "must be in [1, 64]");
    require(!s.worker_cols.empty() && !s.worker_rows.empty(), file + ".worker_cols/rows", "empty worker grid");
    for (int x : s.worker_cols)
        for (int y : s.worker_rows)
            require(s.chip.is_tensix({x, y}), file + ".worker_cols/rows",
                    fmt::format("worker {}-{} is not a Tensix tile of {}", x, y, s.chip.name));
    for (const auto& l : s.eth_links)
        require(l[0] >= 0 && l[0] < s.num_chips && l[2] >= 0 && l[2] < s.num_chips && l[1] >= 0 &&
                    l[1] < static_cast<int>(s.chip.eth.size()) && l[3] >= 0 &&
                    l[3] < static_cast<int>(s.chip.eth.size()),
                file + ".eth_links", "link names a chip or port that does not exist");
    return s;
}

nlohmann::json to_json(const SystemConfig& s) {
    // A board file with its chip inline: load_system reads it back to the same configuration.
    auto c = [](auto v, const char* unit) { return nlohmann::json{{"value", v}, {"unit", unit}, {"source", "resolved"}}; };
    return {{"name", s.name},
            {"chip", s.chip.source},
            {"num_chips", c(s.num_chips, "chips")},
            {"worker_cols", c(s.worker_cols, "x")},
            {"worker_rows", c(s.worker_rows, "y")},
            {"eth_links", c(s.eth_links, "chip,port,chip,port")}};
}

}  // namespace tensim
