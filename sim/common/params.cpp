#include "common/params.hpp"

#include <algorithm>

namespace tensim {

std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates) {
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> row(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            size_t diag = row[0];
            row[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                const size_t up = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
                diag = up;
            }
        }
        return row[b.size()];
    };
    const size_t limit = std::max<size_t>(2, key.size() / 3);
    std::string best;
    size_t best_d = limit + 1;
    for (const std::string& c : candidates)
        if (const size_t d = distance(key, c); d < best_d) best = c, best_d = d;
    return best;
}

Params::Params(nlohmann::json node, std::string path)
    : m_node(std::move(node)), m_path(std::move(path)) {
    if (!m_node.is_object()) throw ConfigError(m_path + ": expected an object");
}

Params Params::child(const char* key) {
    m_read.insert(key);
    if (!m_node.contains(key)) return Params(nlohmann::json::object(), m_path + "." + key);
    return Params(m_node.at(key), m_path + "." + key);
}

std::vector<std::string> Params::keys() const {
    std::vector<std::string> out;
    for (const auto& [k, _] : m_node.items()) out.push_back(k);
    return out;
}

void Params::finish() const {
    const std::vector<std::string> known(m_read.begin(), m_read.end());
    for (const auto& [k, _] : m_node.items()) {
        if (k == "comment" || k == "_comment") continue;
        if (m_read.count(k)) continue;
        const std::string near = nearest_key(k, known);
        throw ConfigError(m_path + ": unknown key '" + k + "'" +
                          (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
    }
    if (!m_missing.empty()) throw ConfigError(m_missing);
}

}  // namespace tensim
