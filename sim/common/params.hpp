// Reading configuration JSON into plain config structs, Ramulator-style: each struct reads its
// own fields from a Params node; keys nobody read are errors that name the key.
//
// A leaf constant is written {"value": v, "unit": "...", "source": "..."}; the unit must match the
// unit the reader expects. Plain values (strings, lists, objects of data) are read as they are.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace tensim {

// Throws ConfigError "<where>: <what>" unless `ok` (checks that span sections; within one
// section, Params::require names the key).
inline void require(bool ok, const std::string& where, const std::string& what) {
    if (!ok) throw ConfigError(where + ": " + what);
}

class Params {
public:
    // `path` names this node in messages, e.g. "wormhole_b0.noc".
    Params(nlohmann::json node, std::string path);

    // A leaf constant {"value", "unit", "source"}; the unit must equal `unit`. Every constant
    // must be present: a silent fallback would have no unit or source. A block declares each of
    // its parameters with one call in its load function: key, unit, the field (whose in-class
    // initialiser is the default), and `doc`, one line on what it means (quoted when missing).
    template <typename T>
    void constant(const char* key, const char* unit, T& out, const char* doc = nullptr);
    // A plain value (string, number, list) read as is.
    template <typename T>
    void value(const char* key, T& out);
    // A child object, itself checked for unread keys when it is destroyed... use `finish()`.
    Params child(const char* key);
    std::vector<std::string> keys() const;  // of this node, sorted
    const std::string& path() const { return m_path; }
    // Throws ConfigError naming the first key that was never read.
    void finish() const;
    // Throws ConfigError "<path>.<key>: <what>" unless `ok`.
    void require(bool ok, const char* key, const std::string& what) const {
        if (!ok)
            throw ConfigError(m_path + (key && *key ? std::string(".") + key : std::string()) +
                              ": " + what);
    }

private:
    nlohmann::json m_node;
    std::string m_path;
    std::set<std::string> m_read;
};

template <typename T>
void Params::constant(const char* key, const char* unit, T& out, const char* doc) {
    m_read.insert(key);
    std::string where = m_path + "." + key;
    if (!m_node.contains(key))
        throw ConfigError(where + ": missing" +
                          (doc ? std::string(" (") + unit + ", " + doc + ")" : std::string()));
    const auto& leaf = m_node.at(key);
    if (!leaf.is_object() || !leaf.contains("value"))
        throw ConfigError(where + ": expected {\"value\", \"unit\", \"source\"}");
    for (const auto& [k, _] : leaf.items())
        if (k != "value" && k != "unit" && k != "source")
            throw ConfigError(where + ": unknown key '" + k + "'");
    std::string got = leaf.value("unit", "");
    if (got != unit) throw ConfigError(where + ": unit is '" + got + "', expected '" + unit + "'");
    if (!leaf.contains("source") || leaf.at("source").get<std::string>().empty())
        throw ConfigError(where + ": every constant needs a source");
    try {
        out = leaf.at("value").get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(where + ": bad value: " + e.what());
    }
}

template <typename T>
void Params::value(const char* key, T& out) {
    m_read.insert(key);
    if (!m_node.contains(key)) return;
    try {
        out = m_node.at(key).get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(m_path + "." + key + ": bad value: " + e.what());
    }
}

}  // namespace tensim
