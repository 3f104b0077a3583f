// The 32-chip Galaxy (sim/arch/galaxy.json) opens: mesh shapes 1x1, 1x8, 4x8 and submeshes of the
// 4x8 give a different chip per coordinate, and one small all-gather on a line of four of its
// chips matches the host reference (the whole matrix of collectives is a benchmark, too slow here).
#include <gtest/gtest.h>

#include <set>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"

using namespace tt::tt_metal::distributed;

namespace {

class Galaxy : public ::testing::Test {
protected:
    void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
        // ASan's shadow memory starts at 2 GiB, leaving 2 GiB of the low 4 GiB where every L1 is
        // mapped; a Galaxy's needs 2.9 GiB (docs/robustness.md, "Sanitizers").
        GTEST_SKIP() << "a Galaxy's L1 does not fit below ASan's shadow memory";
#endif
        tensim::set_system("galaxy");
        tensim::set_numerics("faithful");
    }
    void TearDown() override { tensim::set_system("n150"); }
};

TEST_F(Galaxy, MeshShapesAndSubmeshesHoldDistinctChips) {
    EXPECT_EQ(system_mesh_shape(), MeshShape(4, 8));
    for (auto [r, c] : std::vector<std::pair<uint32_t, uint32_t>>{{1, 1}, {1, 8}, {4, 8}}) {
        SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c));
        auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(r, c)));
        EXPECT_EQ(mesh->num_devices(), size_t{r} * c);
        std::set<int> ids;
        for (const auto& coord : MeshCoordinateRange(mesh->shape()))
            ids.insert(mesh->get_device(coord)->id());
        EXPECT_EQ(ids.size(), mesh->num_devices());
        if (r == 4) {
            auto rows = mesh->create_submeshes(MeshShape(1, 8));
            ASSERT_EQ(rows.size(), 4u);
            std::set<int> seen;
            for (auto& s : rows)
                for (const auto& coord : MeshCoordinateRange(s->shape()))
                    seen.insert(s->get_device(coord)->id());
            EXPECT_EQ(seen, ids);  // the four rows cover the mesh once
            EXPECT_EQ(mesh->create_submeshes(MeshShape(2, 4)).size(), 4u);
        }
        mesh->close();
    }
}

TEST_F(Galaxy, AnAllGatherOnFourChipsMatchesTheReference) {
    tensim::ops::CclConfig cfg;
    cfg.topology = tensim::fabric::Topology::line;
    const auto r = tensim::ops::run_ccl(tensim::ops::CclOp::all_gather, 4, 16384,
                                        tensim::ops::DType::bfloat16, cfg, 1);
    ASSERT_TRUE(r.max_abs_error);
    EXPECT_EQ(*r.max_abs_error, 0.0);  // a gather copies bits
    EXPECT_EQ(r.chips.size(), 4u);
    EXPECT_GT(r.plan.device_cycles, 0u);
}

}  // namespace
