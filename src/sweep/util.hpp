// Internal to the sweep: small text helpers shared by its CSV (csv.cpp) and its process pool
// (pool.cpp).
#pragma once
#include <sys/types.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tensim/sweep.hpp"

namespace tensim::sweep::detail {

// The checks every sweep makes before it starts (ConfigError naming the problem); clears the
// run-output variables of the environment, which every point would otherwise share. Returns the
// varied keys in axis order.
std::vector<std::string> check(const Options& opt);
// Starts `exe args...` with stdin from /dev/null, stdout/stderr into the files given and `env`
// ("NAME=value") added to its environment.
pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& out,
            const std::string& err, const std::vector<std::string>& env = {});

inline std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) out.push_back(s.substr(start, i - start)), start = i + 1;
    return out;
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text) {
        if (ch == '\n' || ch == '\r') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

inline std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

// Leading metric columns, in this order, when any row has them.
inline const std::vector<std::string>& metric_columns() {
    static const std::vector<std::string> cols = {"device_cycles", "device_time_us", "tflops",
                                                  "fpu_util", "bound"};
    return cols;
}

inline void flatten_into(const nlohmann::ordered_json& j, const std::string& prefix,
                         std::vector<std::pair<std::string, std::string>>& out) {
    for (const auto& [k, v] : j.items()) {
        const std::string name = prefix.empty() ? k : prefix + "." + k;
        if (v.is_object())
            flatten_into(v, name, out);
        else if (v.is_null())
            out.emplace_back(name, "");
        else if (v.is_string())
            out.emplace_back(name, v.get<std::string>());
        else
            out.emplace_back(name, v.dump());
    }
}

inline const std::string* field(const Row& r, const std::string& name) {
    for (const auto& [k, v] : r.fields)
        if (k == name) return &v;
    return nullptr;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace tensim::sweep::detail
