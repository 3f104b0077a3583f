#include "common/stats.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace tensim::stats {

double Dump::figure(const std::string& name) const {
    auto it = figures.find(name);
    return it == figures.end() ? 0.0 : it->second;
}

nlohmann::json Dump::grouped() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, v] : values.items()) {
        const size_t dot = key.rfind('.');
        out[key.substr(0, dot)][key.substr(dot + 1)] = v;
    }
    return out;
}

Group& Group::counter(std::string name, uint64_t& value, std::string unit, std::string desc) {
    m_stats.push_back({std::move(name), std::move(unit), std::move(desc), &value, {}});
    return *this;
}

Group& Group::formula(std::string name, std::function<double(const Window&)> f, std::string unit,
                      std::string desc) {
    m_stats.push_back({std::move(name), std::move(unit), std::move(desc), nullptr, std::move(f)});
    return *this;
}

Group::Stat& Group::last() {
    if (m_stats.empty()) throw InternalError("stats: " + m_path + " has no stat to qualify");
    return m_stats.back();
}

Group& Group::folds_into(const char* figure, Fold how) {
    last().figure = figure;
    last().fold = how;
    return *this;
}

Group& Group::hidden() {
    last().visible = false;
    return *this;
}

Group& Group::shown_if(const uint64_t& value) {
    m_shown_if = &value;
    return *this;
}

void Group::dump(const Window& w, Dump& out) const {
    if (m_shown_if && *m_shown_if == 0) return;
    for (const Stat& s : m_stats) {
        const double v = s.counter ? static_cast<double>(*s.counter) : s.formula(w);
        if (s.visible) {
            // Counters stay integers in the JSON; formulas are real numbers.
            nlohmann::json& slot = out.values[m_path + "." + s.name];
            slot = s.counter ? nlohmann::json(*s.counter) : nlohmann::json(v);
        }
        if (!s.figure) continue;
        auto [it, fresh] = out.figures.try_emplace(s.figure, v);
        if (!fresh) it->second = s.fold == Fold::sum ? it->second + v : std::max(it->second, v);
    }
    for (const Group* c : m_children) c->dump(w, out);
}

Dump Group::dump(const Window& w) const {
    Dump d;
    dump(w, d);
    return d;
}

void Group::reset() {
    for (Stat& s : m_stats)
        if (s.counter) *s.counter = 0;
    for (Group* c : m_children) c->reset();
}

nlohmann::json Group::catalogue() const {
    nlohmann::json out = nlohmann::json::object();
    for (const Stat& s : m_stats) out[m_path + "." + s.name] = {{"unit", s.unit}, {"desc", s.desc}};
    for (const Group* c : m_children) out.update(c->catalogue());
    return out;
}

}  // namespace tensim::stats
