// TT-Metalium <tt-metalium/tt_align.hpp>: tt::align rounds an address up to a multiple of an
// alignment (0 stays 0).
#pragma once
#include <type_traits>

namespace tt {

template <typename A, typename B>
constexpr std::common_type_t<A, B> align(A addr, B alignment) {
    using T = std::common_type_t<A, B>;
    const T a = static_cast<T>(addr), n = static_cast<T>(alignment);
    return (a + n - 1) / n * n;
}

}  // namespace tt
