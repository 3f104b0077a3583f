// The MathWorker (tile math off the simulation thread): a matmul gives the same output bits and
// the same device cycles with the worker off, with every call sent to it, and with most calls
// computed inline (its backlog limit at 1), in faithful and fast numerics (with the worker on, the
// unpacker leaves bf16 matmul operands undecoded for the job to decode), with Dst accumulating
// over K blocks, packer L1 accumulation, an fp32 Dst, and a fused bias + SiLU (the SFPU reads Dst
// right after the matmul, so it must wait for the worker). The reference is the worker-off run.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/matmul.hpp"
#include "tensix/math_worker.hpp"

using namespace tensim::ops;

namespace {

struct Run {
    std::vector<uint32_t> bits;
    uint64_t cycles = 0;
};

std::vector<float> uniform(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> d(-scale, scale);
    std::vector<float> v(n);
    for (float& x : v) x = d(g);
    return v;
}

Run run(const char* numerics, MatmulConfig cfg, bool fused) {
    tensim::set_numerics(numerics);
    auto* dev = tt::tt_metal::CreateDevice(0);
    const uint32_t m = 128, k = 512, n = 256;
    const Shape sa{1, m, k}, sb{1, k, n};
    std::optional<Tensor> bias;
    if (fused) {
        bias = Tensor::from_host(dev, uniform(n, 3, 4.0f), {1, 1, n}, DType::bfloat16);
        cfg.bias = bias;
        cfg.activation = MatmulActivation::silu;
    }
    const MatmulPlan plan =
        plan_matmul(dev,
                    {sa, sb, DType::bfloat16, DType::bfloat16, MemoryConfig::dram_interleaved(),
                     MemoryConfig::dram_interleaved(), false},
                    cfg);
    const Tensor a =
        Tensor::from_host(dev, uniform(size_t(m) * k, 1), sa, DType::bfloat16, plan.a_mem);
    const Tensor b =
        Tensor::from_host(dev, uniform(size_t(k) * n, 2), sb, DType::bfloat16, plan.b_mem);
    Run r;
    const Tensor out = matmul(a, b, cfg);
    r.cycles = tensim::last_program_stats(dev).device_cycles;
    for (float x : out.to_host()) r.bits.push_back(std::bit_cast<uint32_t>(x));
    tt::tt_metal::CloseDevice(dev);
    tensim::set_numerics("faithful");
    return r;
}

void expect_same_with_and_without_worker(const char* numerics, const MatmulConfig& cfg, bool fused,
                                         const std::string& what) {
    tensim::MathWorker::set_for_testing(false, 32);
    const Run off = run(numerics, cfg, fused);
    for (int backlog : {1 << 20, 1}) {
        tensim::MathWorker::set_for_testing(true, backlog);
        const Run on = run(numerics, cfg, fused);
        const std::string tag =
            what + " (" + numerics + ", backlog limit " + std::to_string(backlog) + ")";
        EXPECT_EQ(on.cycles, off.cycles) << tag;
        ASSERT_EQ(on.bits.size(), off.bits.size()) << tag;
        size_t differ = 0;
        for (size_t i = 0; i < on.bits.size(); ++i) differ += on.bits[i] != off.bits[i];
        EXPECT_EQ(differ, 0u) << tag << ": values differ from the inline run";
    }
    tensim::MathWorker::set_for_testing(true, 32);
}

TEST(MathWorker, SameBitsAndCyclesAsInline) {
    MatmulConfig cfg;
    cfg.program = MatmulProgram::mcast_2d;
    cfg.grid_x = 4, cfg.grid_y = 2;
    cfg.in0_block_w = 4;  // K in 4 blocks: partials through Dst reloads or L1 accumulation
    for (const char* numerics : {"faithful", "fast"}) {
        expect_same_with_and_without_worker(numerics, cfg, false, "packer L1 accumulation");
        MatmulConfig reload = cfg;
        reload.packer_l1_acc = false;
        expect_same_with_and_without_worker(numerics, reload, false, "partials reloaded");
    }
    MatmulConfig fp32 = cfg;
    fp32.fp32_dest_acc = true;
    fp32.math_fidelity = MathFidelity::HiFi2;
    expect_same_with_and_without_worker("faithful", fp32, false, "fp32 Dst, HiFi2");
    expect_same_with_and_without_worker("faithful", cfg, true, "fused bias + SiLU");
}

// A job whose operands are bf16 bytes (as the unpacker leaves them for a matmul) gives the bits of
// the same job with the operands decoded, on random patterns and the edges (zeros, subnormals,
// infinities, NaNs, the largest finite), in fast and faithful numerics, with two SrcB rows and
// three SrcA columns.
TEST(MathWorker, RawBf16OperandsGiveTheBitsOfDecodedOnes) {
    std::mt19937 g(7);
    const uint16_t edges[] = {0x0000, 0x8000, 0x0001, 0x807f, 0x7f80, 0xff80,
                              0x7fc0, 0xffc1, 0x7f7f, 0xff7f, 0x3f80, 0x0080};
    auto raw_tile = [&](bool edge) {
        tensim::RawBf16Tile t;
        for (uint16_t& h : t) h = edge && g() % 4 == 0 ? edges[g() % 12] : uint16_t(g());
        return t;
    };
    for (bool faithful : {true, false})
        for (bool edge : {false, true}) {
            tensim::MathWorker::Job raw, decoded;
            // The bank's storage a job gets holds some earlier tiles: NaNs here, so a raw operand
            // left undecoded shows in the result.
            raw.a.assign(3, tensim::numerics::Tile{});
            raw.b.assign(2, tensim::numerics::Tile{});
            for (auto* v : {&raw.a, &raw.b})
                for (auto& t : *v) t.fill(std::numeric_limits<float>::quiet_NaN());
            for (int i = 0; i < 3; ++i) raw.raw_a_tiles.push_back(raw_tile(edge));
            for (int i = 0; i < 2; ++i) raw.raw_b_tiles.push_back(raw_tile(edge));
            raw.raw_a = raw.raw_b = true;
            tensim::MathWorker::decode_raw(raw.raw_a_tiles, decoded.a, 3);
            tensim::MathWorker::decode_raw(raw.raw_b_tiles, decoded.b, 2);
            for (size_t i = 0; i < decoded.a[0].size(); ++i)  // decode_raw is bf16's decode
                ASSERT_EQ(std::bit_cast<uint32_t>(decoded.a[0][i]), uint32_t(raw.raw_a_tiles[0][i])
                                                                        << 16);
            std::vector<tensim::numerics::Tile> want(6), got(6);
            for (int i = 0; i < 6; ++i) {
                for (int e = 0; e < 1024; ++e)  // Dst starts from values already there
                    want[i][e] = got[i][e] =
                        tensim::numerics::round_to_bf16(float(int(g() % 7) - 3));
                raw.dst[i] = &got[i];
                decoded.dst[i] = &want[i];
            }
            for (auto* j : {&raw, &decoded}) {
                j->rt = 2, j->ct = 3, j->phases = 4, j->faithful = faithful, j->fp32_dst = false;
                tensim::MathWorker::compute(*j);
            }
            for (int i = 0; i < 6; ++i)
                EXPECT_EQ(0, std::memcmp(got[i].data(), want[i].data(), sizeof got[i]))
                    << (faithful ? "faithful" : "fast") << (edge ? ", edge patterns" : "")
                    << ", Dst tile " << i;
        }
}

// The worker spins briefly when its queue runs dry, then sleeps: a job submitted while it spins,
// and one submitted long after it went to sleep (submit must wake it), both complete with the
// bits of the same job computed inline.
TEST(MathWorker, JobsCompleteWhetherTheWorkerSpinsOrSleeps) {
    tensim::MathWorker::set_for_testing(true, 32);
    tensim::MathWorker* w = tensim::MathWorker::get();
    ASSERT_NE(w, nullptr);
    std::mt19937 g(5);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    auto tile = [&] {
        tensim::numerics::Tile t;
        for (float& x : t) x = d(g);
        return t;
    };
    tensim::MathWorker::Lane lane;
    for (int pause_us : {0, 5, 20000}) {
        std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
        tensim::MathWorker::Job* j = w->take();
        j->a.assign(1, tile());
        j->b.assign(1, tile());
        tensim::numerics::Tile got{}, want{};
        j->dst = {};
        j->dst[0] = &got;
        j->rt = 1, j->ct = 1, j->phases = 2, j->faithful = true, j->fp32_dst = false;
        j->lane = &lane;
        tensim::MathWorker::Job inline_job = *j;
        inline_job.dst[0] = &want;
        w->submit(j);
        tensim::MathWorker::compute(inline_job);
        // Waits without taking the job (MathWorker::wait would compute it here): the worker must
        // run it, awake or woken by submit; if it never does, ctest's timeout fails the test.
        while (lane.pending.load(std::memory_order_acquire) != 0) std::this_thread::yield();
        EXPECT_EQ(0, std::memcmp(got.data(), want.data(), sizeof got))
            << "job submitted " << pause_us << " us after the previous one";
    }
}

// A job that throws (here a phase count the FPU does not have) is reported by wait() on its own
// lane, whichever thread ran it, and leaves the lane and the worker usable: the next job of the
// lane completes and the other lane sees no error.
TEST(MathWorker, AJobsErrorReachesItsLaneAndTheNextJobRuns) {
    tensim::MathWorker w(1);
    tensim::MathWorker::Lane bad, good;
    tensim::numerics::Tile dst{}, other{};
    auto submit = [&](tensim::MathWorker::Lane& lane, tensim::numerics::Tile& d, int phases) {
        tensim::MathWorker::Job* j = w.take();
        j->a.assign(1, tensim::numerics::Tile{});
        j->b.assign(1, tensim::numerics::Tile{});
        j->a[0][0] = 2.0f, j->b[0][0] = 3.0f;
        j->dst = {};
        j->dst[0] = &d;
        j->rt = 1, j->ct = 1, j->phases = phases, j->faithful = true, j->fp32_dst = true;
        j->lane = &lane;
        w.submit(j);
    };
    submit(bad, dst, 7);
    submit(good, other, 4);
    EXPECT_THROW(w.wait(bad), std::invalid_argument);
    EXPECT_NO_THROW(w.wait(good));
    EXPECT_EQ(other[0], 6.0f);
    submit(bad, dst, 4);
    EXPECT_NO_THROW(w.wait(bad));
    EXPECT_EQ(dst[0], 6.0f);
}

// Work sharing keeps each lane's jobs in order and one at a time: eight lanes, each a chain of
// jobs accumulating into the lane's bf16 Dst tiles with operands of very different magnitudes
// (Dst is rounded after every product, so another order or two jobs of a lane racing gives other
// bits), submitted interleaved to three workers of a test-owned MathWorker while this thread
// takes jobs too (help, and wait on one lane while others queue), against each chain computed
// inline. The queue holds jobs of several lanes, so a thread that took a lane's later job, or a
// second job of a running lane, would change that lane's result.
TEST(MathWorker, LanesKeepTheirOrderWhenThreadsShareTheJobs) {
    constexpr int kLanes = 8, kJobs = 60;
    std::mt19937 g(11);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::uniform_int_distribution<int> scale(-12, 12);
    auto tile = [&](int e) {
        tensim::numerics::Tile t;
        for (float& x : t) x = tensim::numerics::round_to_bf16(std::ldexp(d(g), e));
        return t;
    };
    struct Step {
        std::vector<tensim::numerics::Tile> a, b;
        int phases;
    };
    std::vector<std::vector<Step>> steps(kLanes);
    for (auto& lane_steps : steps)
        for (int j = 0; j < kJobs; ++j) {
            const int e = scale(g);
            lane_steps.push_back({{tile(e), tile(0)}, {tile(-e)}, 1 + j % 4});
        }
    // Inline: each lane's chain in order on this thread.
    std::vector<std::array<tensim::numerics::Tile, 2>> want(kLanes), got(kLanes);
    for (int l = 0; l < kLanes; ++l) {
        want[l][0].fill(0.0f), want[l][1].fill(0.0f);
        got[l] = want[l];
        for (const Step& st : steps[l]) {
            tensim::MathWorker::Job j;
            j.a = st.a, j.b = st.b, j.rt = 1, j.ct = 2, j.phases = st.phases;
            j.dst[0] = &want[l][0], j.dst[1] = &want[l][1];
            tensim::MathWorker::compute(j);
        }
    }
    tensim::MathWorker w(3);
    std::vector<tensim::MathWorker::Lane> lanes(kLanes);
    for (int j = 0; j < kJobs; ++j)
        for (int l = 0; l < kLanes; ++l) {
            tensim::MathWorker::Job* job = w.take();
            job->a = steps[l][j].a, job->b = steps[l][j].b;
            job->rt = 1, job->ct = 2, job->phases = steps[l][j].phases;
            job->faithful = true, job->fp32_dst = false;
            job->dst = {};
            job->dst[0] = &got[l][0], job->dst[1] = &got[l][1];
            job->lane = &lanes[l];
            w.submit(job);
            if ((j + l) % 3 == 0) w.help();
            if ((j * kLanes + l) % 17 == 0) w.wait(lanes[(l + 3) % kLanes]);
        }
    for (auto& lane : lanes) w.wait(lane);
    EXPECT_EQ(w.backlog(), 0);
    for (int l = 0; l < kLanes; ++l)
        for (int t = 0; t < 2; ++t)
            EXPECT_EQ(0, std::memcmp(got[l][t].data(), want[l][t].data(), sizeof got[l][t]))
                << "lane " << l << " Dst tile " << t << " differs from its chain computed inline";
}

}  // namespace
