#include "common/params.hpp"

namespace tensim {

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
    for (const auto& [k, _] : m_node.items()) {
        if (k == "comment" || k == "_comment") continue;
        if (!m_read.count(k)) throw ConfigError(m_path + ": unknown key '" + k + "'");
    }
}

}  // namespace tensim
