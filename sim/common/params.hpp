// Reading configuration JSON into plain config structs, Ramulator-style: each struct reads its
// own fields from a Params node; keys nobody read are errors that name the key.
//
// A leaf constant is written {"value": v, "unit": "...", "source": "..."}; the unit must match the
// unit the reader expects. Plain values (strings, lists, objects of data) are read as they are.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace tensim {

// Throws ConfigError "<where>: <what>" unless `ok` (checks that span sections; within one
// section, Params::require names the key).
inline void require(bool ok, const std::string& where, const std::string& what) {
    if (!ok) throw ConfigError(where + ": " + what);
}

// The candidate closest to `key` by edit distance, if close enough to be a misspelling of it
// (at most a third of its letters, at least 2); "" otherwise.
std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates);

namespace params_detail {
// Whether every number in `v` fits the integer type T (or the integer elements of an array or
// vector of them); "" when it does, else what is wrong ("-6 is negative"). Other types: "".
template <typename T>
struct Fits {
    static std::string check(const nlohmann::json& v) {
        // nlohmann reads true as 1 into a number: `"flit_bytes": {"value": true}` was accepted.
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
            if (v.is_boolean()) return "expected a number, got " + v.dump();
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            if (v.is_number_float()) {
                const double d = v.get<double>();
                if (d != std::trunc(d))  // not via an integer: 1e99 fits none
                    return "expected a whole number, got " + v.dump();
            }
            if (!v.is_number()) return "";
            if (std::is_unsigned_v<T> && (v.is_number_integer() && !v.is_number_unsigned()) &&
                v.get<long long>() < 0)
                return v.dump() + " is negative";
            if (std::is_unsigned_v<T> && v.is_number_float() && v.get<double>() < 0)
                return v.dump() + " is negative";
            // Exactly: 2^63 as a double passes `d > double(INT64_MAX)` (the max rounds up to
            // 2^63) and would then convert out of range, which is undefined behaviour.
            bool fits = true;
            if (v.is_number_float()) {
                const double d = v.get<double>();
                fits = d < std::ldexp(1.0, std::numeric_limits<T>::digits) &&
                       d >= static_cast<double>(std::numeric_limits<T>::lowest());
            } else if (v.is_number_unsigned()) {
                fits = std::in_range<T>(v.get<uint64_t>());
            } else {
                fits = std::in_range<T>(v.get<int64_t>());
            }
            if (!fits) return v.dump() + " is out of range";
        }
        return "";
    }
};
template <typename U, size_t N>
struct Fits<std::array<U, N>> {
    static std::string check(const nlohmann::json& v) {
        if (!v.is_array()) return "";
        for (const auto& e : v)
            if (std::string w = Fits<U>::check(e); !w.empty()) return w;
        return "";
    }
};
template <typename U>
struct Fits<std::vector<U>> : Fits<std::array<U, 0>> {};
// A JSON type error without nlohmann's "[json.exception.type_error.302] " prefix.
inline std::string json_error(const nlohmann::json::exception& e) {
    const std::string w = e.what();
    const size_t end = w.find("] ");
    return w.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? w.substr(end + 2) : w;
}
}  // namespace params_detail

class Params {
public:
    // `path` names this node in messages, e.g. "wormhole_b0.noc".
    Params(nlohmann::json node, std::string path);

    // A leaf constant {"value", "unit", "source"}; the unit must equal `unit`. Every constant
    // must be present: a silent fallback would have no unit or source (finish() names the first
    // one missing, after any unknown key that may be its misspelling). A block declares each of
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
    // Throws ConfigError naming the first key that was never read, with the nearest key that was
    // (its likely spelling); then the first constant that was missing.
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
    // The first constant that was missing, reported by finish() after any unknown key: a
    // misspelt key is the cause, the key it then misses the symptom.
    std::string m_missing;
};

template <typename T>
void Params::constant(const char* key, const char* unit, T& out, const char* doc) {
    m_read.insert(key);
    std::string where = m_path + "." + key;
    if (!m_node.contains(key)) {
        if (m_missing.empty())
            m_missing = where + ": missing" +
                        (doc ? std::string(" (") + unit + ", " + doc + ")" : std::string());
        return;  // the field keeps its default (Wormhole's) until finish() throws
    }
    const auto& leaf = m_node.at(key);
    if (!leaf.is_object() || !leaf.contains("value"))
        throw ConfigError(where + ": expected {\"value\", \"unit\", \"source\"}");
    for (const auto& [k, _] : leaf.items())
        if (k != "value" && k != "unit" && k != "source")
            throw ConfigError(where + ": unknown key '" + k + "'");
    if (leaf.contains("unit") && !leaf.at("unit").is_string())
        throw ConfigError(where + ": unit is " + leaf.at("unit").dump() + ", not a string");
    std::string got = leaf.value("unit", "");
    if (got != unit) throw ConfigError(where + ": unit is '" + got + "', expected '" + unit + "'");
    if (!leaf.contains("source") || !leaf.at("source").is_string() ||
        leaf.at("source").get<std::string>().empty())
        throw ConfigError(where + ": every constant needs a source (a non-empty string)");
    // nlohmann converts -6 to an unsigned field as 2^64 - 6: a negative latency would "shorten"
    // a run. Every integer must fit its field.
    if (std::string bad = params_detail::Fits<T>::check(leaf.at("value")); !bad.empty())
        throw ConfigError(where + ": bad value: " + bad + " (" + unit + ")");
    try {
        out = leaf.at("value").get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(where + ": bad value: " + params_detail::json_error(e));
    }
}

template <typename T>
void Params::value(const char* key, T& out) {
    m_read.insert(key);
    if (!m_node.contains(key)) return;
    if (std::string bad = params_detail::Fits<T>::check(m_node.at(key)); !bad.empty())
        throw ConfigError(m_path + "." + key + ": bad value: " + bad);
    try {
        out = m_node.at(key).get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(m_path + "." + key + ": bad value: " + params_detail::json_error(e));
    }
}

}  // namespace tensim
