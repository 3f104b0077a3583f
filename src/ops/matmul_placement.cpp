// Where the DRAM-sharded matmul's in1 readers sit: one core per DRAM bank, placed as TT-Metal
// places them (see dram_bank_workers).
#include <algorithm>
#include <cstdlib>

#include "host/device_impl.hpp"
#include "ops/matmul_internal.hpp"

namespace tensim::ops::detail {

// TT-Metal's "optimal DRAM bank to logical worker" placement on Wormhole (tt_metal/common/
// core_assignment.cpp, get_optimal_dram_to_physical_worker_assignment): each bank's reader is the
// core right of the bank's NoC0 endpoint (x + 1, same row), so its read responses take one hop
// east on NoC0. Banks are grouped by DRAM column; in each group, taken bottom row first then top
// down, a reader on a row outside the compute grid (or on a row another bank of its column also
// uses) moves to the nearest free grid row, searching up from the bottom for rows at or past
// banks - 1 and down from the top otherwise, and 3, 2, 1 columns further right for the 1st, 2nd,
// 3rd moved reader of its column. A reader that lands outside the grid or on a taken core (small
// grids an architect sets) gets the nearest free core instead (fewest NoC0 hops, ties to the
// one with fewer column hops).
std::vector<CoreCoord> dram_bank_workers(const SystemConfig& sys, uint32_t gx, uint32_t gy) {
    const auto banks = sys.chip.dram_banks();
    const int n = int(banks.size()), grid_rows = sys.chip.noc.grid_y;
    std::vector<int> cols(sys.worker_cols.begin(), sys.worker_cols.begin() + gx),
        rows(sys.worker_rows.begin(), sys.worker_rows.begin() + gy);
    auto is_row = [&](int y) { return std::find(rows.begin(), rows.end(), y) != rows.end(); };
    std::vector<NocXY> xy;
    for (const auto& b : banks) xy.push_back({b.endpoint[0].x + 1, b.endpoint[0].y});
    std::vector<std::vector<int>> groups(2);  // bank indices, by DRAM column
    for (int i = 0; i < n; ++i) groups[xy[i].x == xy[0].x ? 0 : 1].push_back(i);
    for (auto& g : groups) {
        if (g.empty()) continue;
        std::vector<int> ys;
        for (int i : g) ys.push_back(xy[i].y);
        std::stable_sort(g.begin(), g.end(), [&](int a, int b) { return xy[a].y < xy[b].y; });
        std::rotate(g.begin(), g.end() - 1, g.end());
        int x_step = 3;
        for (int i : g) {
            const int y = xy[i].y;
            if (is_row(y) && std::count(ys.begin(), ys.end(), y) < 2) continue;
            const bool up = y >= n - 1;
            auto search = [&](bool need_unused) {
                for (int k = 0; k < grid_rows; ++k) {
                    const int j = up ? grid_rows - 1 - k : k;
                    if (is_row(j) && (!need_unused || std::count(ys.begin(), ys.end(), j) == 0)) {
                        xy[i].y = j;
                        xy[i].x += x_step--;
                        return true;
                    }
                }
                return false;
            };
            if (!search(true)) search(false);
        }
    }
    std::vector<bool> used(size_t(gx) * gy, false);
    std::vector<CoreCoord> out;
    for (int i = 0; i < n; ++i) {
        auto cx = std::find(cols.begin(), cols.end(), xy[i].x);
        auto cy = std::find(rows.begin(), rows.end(), xy[i].y);
        int best = -1;
        if (cx != cols.end() && cy != rows.end())
            best = int(cy - rows.begin()) * int(gx) + int(cx - cols.begin());
        if (best < 0 || used[size_t(best)]) {
            best = -1;
            int best_d = 0, best_dx = 0;
            for (uint32_t y = 0; y < gy; ++y)
                for (uint32_t x = 0; x < gx; ++x) {
                    if (used[y * gx + x]) continue;
                    const int dx = std::abs(cols[x] - banks[size_t(i)].endpoint[0].x);
                    const int d = dx + std::abs(rows[y] - banks[size_t(i)].endpoint[0].y);
                    if (best < 0 || d < best_d || (d == best_d && dx < best_dx))
                        best = int(y * gx + x), best_d = d, best_dx = dx;
                }
        }
        if (best < 0) break;  // fewer cores than banks
        used[size_t(best)] = true;
        out.push_back({uint32_t(best) % gx, uint32_t(best) / gx});
    }
    return out;
}

}  // namespace tensim::ops::detail
