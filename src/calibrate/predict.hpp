// Internal to `tensim calibrate`: how a case's params are read, and the simulation of one case
// by kind (predict.cpp). A case that cannot be expressed throws Skip with the reason.
#pragma once
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "bench/session.hpp"
#include "tensim/calibrate.hpp"

namespace tensim::calibrate {

// Thrown while preparing a case: the case is reported as skipped with this reason.
struct Skip {
    std::string reason;
};

// Typed access to a case's flat params object. A key that is missing or null is "not stated";
// a value of the wrong type makes the case inexpressible.
class Params {
public:
    explicit Params(const nlohmann::json& p) : m_p(p) {}

    bool stated(const char* key) const { return m_p.contains(key) && !m_p.at(key).is_null(); }

    template <typename T>
    std::optional<T> get(const char* key) const {
        if (!stated(key)) return std::nullopt;
        const auto& v = m_p.at(key);
        if constexpr (std::is_same_v<T, bool>) {
            if (v.is_boolean()) return v.get<bool>();
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (v.is_string()) return v.get<std::string>();
        } else if constexpr (std::is_integral_v<T>) {
            if (v.is_number_integer() && v.get<int64_t>() >= 0)
                return static_cast<T>(v.get<int64_t>());
            if (v.is_number_unsigned()) return static_cast<T>(v.get<uint64_t>());
        } else {
            if (v.is_number()) return v.get<T>();
        }
        throw Skip{fmt::format("params.{} = {} is not a {}", key, v.dump(), type_name<T>())};
    }

    template <typename T>
    T need(const char* key) const {
        auto v = get<T>(key);
        if (!v)
            throw Skip{fmt::format("params.{} is {}", key, m_p.contains(key) ? "null" : "missing")};
        return *v;
    }

private:
    template <typename T>
    static const char* type_name() {
        if constexpr (std::is_same_v<T, bool>)
            return "boolean";
        else if constexpr (std::is_same_v<T, std::string>)
            return "string";
        else if constexpr (std::is_integral_v<T>)
            return "non-negative integer";
        else
            return "number";
    }
    const nlohmann::json& m_p;
};

// What one kind's simulation produced: the value in the case's metric, and the notes.
struct Prediction {
    double value = 0;
    std::vector<std::string> notes;
};

// Simulates one case of a simulated kind on the session's device: its value in the case's metric
// and the notes. Throws Skip (or HostError) when the case cannot be expressed.
Prediction predict(bench::Session& s, const Case& c, bool include_large);
// eth_latency / eth_transfer on the raw ERISC paths, on an n300 of its own (predict_eth.cpp).
Prediction predict_eth(const Case& c, const Params& p);
// Kind ccl and the fabric paths of eth_latency / eth_transfer, on the case's multi-chip system
// (opened here: no other device may be open) (predict_ccl.cpp).
bool is_fabric_case(const Case& c);
Prediction predict_fabric(const Case& c);
// The LLM kinds, llm_e2e, llm_op and model_device (predict_llm.cpp).
Prediction predict_llm(bench::Session& s, const Case& c);
// The LLM kinds with tp > 1, on the case's multi-chip system (predict_llm_tp.cpp).
bool is_mesh_llm_case(const Case& c);
Prediction predict_llm_mesh(const Case& c);

}  // namespace tensim::calibrate
