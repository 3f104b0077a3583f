// The message of the HostError `fn` throws, or "" when it throws none: host-API tests check what an
// error says, not only that one was thrown.
#pragma once
#include <functional>
#include <string>

#include "tensim/error.hpp"

inline std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const tensim::HostError& e) {
        return e.what();
    }
    return "";
}
