// A tile position on the NoC grid.
#pragma once

namespace tensim {

// Always in NoC0 physical coordinates (also when addressing NoC1).
struct NocXY {
    int x = 0;
    int y = 0;
    auto operator<=>(const NocXY&) const = default;
};

}  // namespace tensim
