#include "report/perfetto_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/error.hpp"

namespace tensim::report {

namespace {

constexpr Cycle kCounterBin = 1000;  // cycles per NoC-load counter sample

std::string escaped(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) {
        if (c == '"' || c == '\\')
            o += '\\', o += c;
        else if (static_cast<unsigned char>(c) < 0x20)
            o += fmt::format("\\u{:04x}", c);
        else
            o += c;
    }
    return o;
}

bool is_eth(const trace::Track& t) { return t.lane >= trace::Lane::erisc; }

// Process ids: one per core (chip, y, x), one per chip for its DRAM channels and NoC counters,
// one per chip for its Ethernet tiles (ERISC, NoC and link lanes per channel).
int pid_of(const trace::Track& t) {
    if (t.lane == trace::Lane::dram) return t.chip * 100000 + 99999;
    if (is_eth(t)) return t.chip * 100000 + 99998;
    return t.chip * 100000 + t.y * 100 + t.x + 1;
}
int tid_of(const trace::Track& t) {
    if (is_eth(t))
        return t.x * 3 + static_cast<int>(t.lane) - static_cast<int>(trace::Lane::erisc) + 1;
    return t.lane == trace::Lane::dram ? t.x + 1 : static_cast<int>(t.lane) + 1;
}

}  // namespace

PerfettoTrace::PerfettoTrace(const RunOutputs& filter) : m_filter(filter) {}

bool PerfettoTrace::wants(const trace::Track& t) const {
    // A DRAM channel is not traced on its own account: its packets are, when their core is.
    if (m_capped || t.lane == trace::Lane::dram) return false;
    return t.x >= m_filter.trace_x0 && t.x <= m_filter.trace_x1 && t.y >= m_filter.trace_y0 &&
           t.y <= m_filter.trace_y1;
}

bool PerfettoTrace::admit(Cycle begin, Cycle end) {
    if (end < m_filter.trace_from_cycle || begin > m_filter.trace_to_cycle) return false;
    if (events() + 4 > m_filter.trace_max_events) {
        if (!m_capped) m_capped = true, m_capped_at = begin;
        return false;
    }
    return true;
}

uint32_t PerfettoTrace::intern(std::string_view s) {
    if (auto it = m_string_index.find(s); it != m_string_index.end()) return it->second;
    m_strings.emplace_back(s);
    return m_string_index[std::string(s)] = static_cast<uint32_t>(m_strings.size() - 1);
}

void PerfettoTrace::zone(const trace::Track& track, std::string_view name, Cycle begin, Cycle end,
                         std::string_view detail) {
    if (!admit(begin, end)) return;
    m_zones.push_back({track, intern(name), intern(detail), begin, end});
}

void PerfettoTrace::transfer(const trace::Track& from, Cycle sent, const trace::Track& to,
                             Cycle arrived, int noc, uint32_t bytes) {
    // Both ends must be traced cores (a DRAM channel goes with its core).
    auto kept = [this](const trace::Track& t) { return t.lane == trace::Lane::dram || wants(t); };
    if (!kept(from) || !kept(to) || !admit(sent, arrived)) return;
    m_transfers.push_back({from, to, sent, arrived, bytes, noc});
}

std::string PerfettoTrace::write(const std::string& path) const {
    std::ofstream out(path);
    if (!out) throw HostError("trace: cannot write " + path);
    auto us = [this](Cycle c) { return fmt::format("{:.4f}", double(c) / m_mhz); };
    bool first = true;
    auto event = [&](const std::string& body) {
        out << (first ? "\n" : ",\n") << "{" << body << "}";
        first = false;
    };
    out << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock_mhz\":" << m_mhz
        << ",\"capped\":" << (m_capped ? "true" : "false") << "},\"traceEvents\":[";

    // Names of every process and thread that appears.
    std::map<std::pair<int, int>, trace::Track> tracks;
    for (const Zone& z : m_zones)
        tracks.emplace(std::pair{pid_of(z.track), tid_of(z.track)}, z.track);
    for (const Transfer& t : m_transfers)
        for (const auto& k : {t.from, t.to}) tracks.emplace(std::pair{pid_of(k), tid_of(k)}, k);
    std::map<int, std::string> processes;
    for (const Transfer& t : m_transfers)  // the NoC load counters live in the chip's process
        processes[pid_of({t.from.chip, 0, 0, trace::Lane::dram})] =
            fmt::format("chip{} DRAM and NoC", t.from.chip);
    for (const auto& [ids, t] : tracks) {
        bool dram = t.lane == trace::Lane::dram;
        processes[ids.first] = dram        ? fmt::format("chip{} DRAM and NoC", t.chip)
                               : is_eth(t) ? fmt::format("chip{} Ethernet", t.chip)
                                           : fmt::format("chip{} core ({},{})", t.chip, t.x, t.y);
        std::string thread = dram        ? fmt::format("dram ch{}", t.x)
                             : is_eth(t) ? fmt::format("E{} {}", t.x, trace::lane_name(t.lane))
                                         : trace::lane_name(t.lane);
        event(
            fmt::format("\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":{},\"tid\":{},\"args\":{{"
                        "\"name\":\"{}\"}}",
                        ids.first, ids.second, thread));
        event(
            fmt::format("\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":{},\"tid\":{},"
                        "\"args\":{{\"sort_index\":{}}}",
                        ids.first, ids.second, ids.second));
    }
    for (const auto& [pid, name] : processes) {
        event(fmt::format(
            "\"ph\":\"M\",\"name\":\"process_name\",\"pid\":{},\"args\":{{\"name\":\"{}\"}}", pid,
            name));
        event(
            fmt::format("\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":{},\"args\":{{\"sort_"
                        "index\":{}}}",
                        pid, pid));
    }

    for (const Zone& z : m_zones) {
        std::string args =
            m_strings[z.detail].empty()
                ? std::string()
                : fmt::format(",\"args\":{{\"detail\":\"{}\"}}", escaped(m_strings[z.detail]));
        event(
            fmt::format("\"ph\":\"X\",\"name\":\"{}\",\"cat\":\"{}\",\"pid\":{},\"tid\":{},\"ts\":{"
                        "},\"dur\":{}{}",
                        escaped(m_strings[z.name]), trace::lane_name(z.track.lane), pid_of(z.track),
                        tid_of(z.track), us(z.begin), us(z.end - z.begin), args));
    }
    // A packet: an instant where it leaves, one where it lands, and a flow arrow between them.
    std::map<std::pair<int, Cycle>, double> load;  // (chip * 2 + noc, bin) -> bytes
    uint64_t id = 0;
    for (const Transfer& t : m_transfers) {
        ++id;
        std::string what = fmt::format("noc{} {} B", t.noc, t.bytes);
        event(
            fmt::format("\"ph\":\"X\",\"name\":\"{} "
                        "out\",\"cat\":\"noc\",\"pid\":{},\"tid\":{},\"ts\":{},\"dur\":0",
                        what, pid_of(t.from), tid_of(t.from), us(t.sent)));
        event(
            fmt::format("\"ph\":\"s\",\"name\":\"{}\",\"cat\":\"noc\",\"id\":{},\"pid\":{},\"tid\":"
                        "{},\"ts\":{}",
                        what, id, pid_of(t.from), tid_of(t.from), us(t.sent)));
        event(
            fmt::format("\"ph\":\"X\",\"name\":\"{} "
                        "in\",\"cat\":\"noc\",\"pid\":{},\"tid\":{},\"ts\":{},\"dur\":0",
                        what, pid_of(t.to), tid_of(t.to), us(t.arrived)));
        event(
            fmt::format("\"ph\":\"f\",\"bp\":\"e\",\"name\":\"{}\",\"cat\":\"noc\",\"id\":{},"
                        "\"pid\":{},\"tid\":{},\"ts\":{}",
                        what, id, pid_of(t.to), tid_of(t.to), us(t.arrived)));
        load[{t.from.chip * 2 + t.noc, t.arrived / kCounterBin}] += t.bytes;
    }
    // NoC load: bytes landed per cycle, per NoC, in bins of kCounterBin cycles (traced cores only).
    for (auto it = load.begin(); it != load.end(); ++it) {
        const auto [key, bin] = it->first;
        const int pid = (key / 2) * 100000 + 99999;
        auto sample = [&](Cycle b, double v) {
            event(
                fmt::format("\"ph\":\"C\",\"name\":\"noc{} "
                            "B/cycle\",\"pid\":{},\"ts\":{},\"args\":{{\"value\":{:.3f}}}",
                            key % 2, pid, us(b * kCounterBin), v));
        };
        sample(bin, it->second / kCounterBin);
        auto next = std::next(it);
        if (next == load.end() || next->first.first != key || next->first.second != bin + 1)
            sample(bin + 1, 0);
    }
    out << "\n]}\n";
    if (!out) throw HostError("trace: failed writing " + path);
    if (!m_capped) return "";
    return fmt::format(
        "trace {} capped at {} events (cycle {}): narrow it with a core range or a cycle window, "
        "or "
        "raise the cap",
        path, m_filter.trace_max_events, m_capped_at);
}

}  // namespace tensim::report
