// The collectives (tensim/ops/ccl.hpp) on a T3000: each op on lines and rings of 2-8 chips, with
// one and two links, DRAM and L1 tensors, gives the host reference's values; a gather checked
// element by element from the shards; timing numerics give faithful's cycles; moving more bytes
// takes longer; bus bandwidth stays under what the links can carry.
#include <gtest/gtest.h>

#include <random>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"

using namespace tensim::ops;
using tensim::fabric::Topology;
using tt::tt_metal::IDevice;

namespace {

class Ccl : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_system("t3000");
        tensim::set_numerics("faithful");
    }
    void TearDown() override {
        tensim::set_numerics("faithful");
        tensim::set_system("n150");
    }
    static CclBenchResult run(CclOp op, uint32_t n, Topology t, uint64_t bytes, uint32_t links = 1,
                              bool l1 = false) {
        CclConfig cfg;
        cfg.topology = t;
        cfg.num_links = links;
        if (l1) cfg.out_mem = MemoryConfig::l1_interleaved();
        return run_ccl(op, n, bytes, DType::bfloat16, cfg, 3);
    }
};

// bf16 gathers and all-to-alls copy bits; reductions round each partial sum to bf16.
double tolerance(CclOp op, uint32_t n) {
    return op == CclOp::all_gather || op == CclOp::all_to_all ? 0.0 : 0.02 * n;
}

TEST_F(Ccl, EveryOpMatchesItsReferenceOnLinesAndRings) {
    struct C {
        CclOp op;
        uint32_t n;
        Topology t;
        uint32_t links;
        bool l1;
    };
    const C cases[] = {
        {CclOp::all_gather, 2, Topology::line, 1, false},
        {CclOp::all_gather, 4, Topology::ring, 2, true},
        {CclOp::all_gather, 3, Topology::line, 1, false},
        {CclOp::all_gather, 4, Topology::line, 2, false},  // multicasts the routers forward
        {CclOp::all_gather, 8, Topology::ring, 1, false},  // the opposite slice split in halves
        {CclOp::reduce_scatter, 2, Topology::line, 1, false},
        {CclOp::reduce_scatter, 4, Topology::line, 1, true},
        {CclOp::reduce_scatter, 4, Topology::ring, 2, false},
        {CclOp::all_reduce, 4, Topology::ring, 1, false},
        {CclOp::all_to_all, 4, Topology::line, 1, false},
        {CclOp::all_to_all, 8, Topology::ring, 1, false},
    };
    for (const C& c : cases) {
        const auto r = run(c.op, c.n, c.t, 8 * 2048 * c.n, c.links, c.l1);
        SCOPED_TRACE(r.plan.describe());
        ASSERT_TRUE(r.max_abs_error.has_value());
        EXPECT_LE(*r.max_abs_error, tolerance(c.op, c.n));
        EXPECT_GT(r.device_time_us, 0);
    }
}

TEST_F(Ccl, GatheredShardsSitInChainOrder) {
    std::vector<IDevice*> all;
    for (size_t i = 0; i < tt::tt_metal::GetNumAvailableDevices(); ++i)
        all.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
    {
        auto chain = tensim::fabric::Fabric::find_chain(all, 4, Topology::ring, 1);
        const Shape s{1, 32, 64};
        std::vector<Tensor> in;
        for (size_t i = 0; i < chain.size(); ++i)
            in.push_back(Tensor::from_host(chain[i], std::vector<float>(32 * 64, float(i + 1)), s,
                                           DType::bfloat16));
        CclConfig cfg;
        cfg.topology = Topology::ring;
        const auto out = all_gather(in, cfg);
        for (const Tensor& t : out) {
            ASSERT_EQ(t.shape().cols, 64u * 4);
            const auto v = t.to_host();
            for (uint32_t r = 0; r < 32; ++r)
                for (uint32_t c = 0; c < 256; ++c)
                    ASSERT_EQ(v[r * 256 + c], float(c / 64 + 1)) << r << "," << c;
        }
    }
    for (auto* d : all) tt::tt_metal::CloseDevice(d);
}

TEST_F(Ccl, TimingNumericsGiveFaithfulCycles) {
    const auto f = run(CclOp::reduce_scatter, 4, Topology::ring, 32 * 2048);
    tensim::set_numerics("timing");
    const auto t = run(CclOp::reduce_scatter, 4, Topology::ring, 32 * 2048);
    EXPECT_EQ(f.plan.device_cycles, t.plan.device_cycles);
}

TEST_F(Ccl, MoreBytesTakeLongerAndBandwidthStaysUnderTheLinks) {
    tensim::set_numerics("timing");
    for (CclOp op : {CclOp::all_gather, CclOp::reduce_scatter, CclOp::all_to_all}) {
        const auto small = run(op, 4, Topology::line, 64 * 2048);
        const auto big = run(op, 4, Topology::line, 256 * 2048);
        SCOPED_TRACE(ccl_op_name(op));
        EXPECT_GT(big.device_time_us, small.device_time_us);
        EXPECT_GT(big.busbw_gbps, small.busbw_gbps);  // fixed costs amortise
        EXPECT_LT(big.link_gbps, 12.5);               // a link's line rate per direction
    }
}

}  // namespace
