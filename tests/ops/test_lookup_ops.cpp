// embedding and argmax: values against the fp64 host references (a gather is exact: bf16 rows come
// back bit for bit; argmax names the reference's index, ties to the smallest), in all three
// numerics modes with the same cycles, the core split and chunking of the planners, typed errors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ops/lookup_reference.hpp"
#include "tensim/host/bfloat16.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/argmax.hpp"
#include "tensim/ops/embedding.hpp"

using namespace tensim::ops;
namespace ref = tensim::ops::reference;

namespace {

// Values already bf16, so a device copy is exact.
std::vector<float> random_bf16(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = bfloat16(d(rng)).to_float();
    return v;
}

std::vector<uint32_t> random_ids(size_t n, uint32_t vocab, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<uint32_t> d(0, vocab - 1);
    std::vector<uint32_t> v(n);
    for (uint32_t& x : v) x = d(rng);
    return v;
}

class LookupOp : public ::testing::Test {
protected:
    void open(const char* numerics) {
        if (dev) tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics(numerics);
        dev = tt::tt_metal::CreateDevice(0);
    }
    void SetUp() override { open("faithful"); }
    void TearDown() override {
        if (dev) tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics("faithful");
    }
    tt::tt_metal::IDevice* dev = nullptr;
};

TEST_F(LookupOp, EmbeddingGathersRowsInEveryMode) {
    const uint32_t vocab = 200, hidden = 256;
    const auto table = random_bf16(size_t(vocab) * hidden, 1);
    const auto ids = random_ids(2 * 64, vocab, 2);  // 2 rows of 64 ids: 4 blocks
    const auto want = ref::embedding({table.begin(), table.end()}, hidden, ids);
    uint64_t cycles[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        open(modes[m]);
        const auto t = RowMajorTensor::from_host(dev, table, vocab, hidden);
        const auto x = RowMajorTensor::from_ids(dev, ids, 2, 64);
        EmbeddingPlan p;
        const Tensor y = embedding(x, t, {}, &p);
        cycles[m] = tensim::last_program_stats(dev).device_cycles;
        EXPECT_EQ(tensim::last_program_stats(dev).name, "embedding");
        EXPECT_EQ(p.num_cores, 4u);  // one 32-token block per core
        EXPECT_EQ(p.num_chunks, 1u);
        EXPECT_EQ(y.shape(), (Shape{1, 128, hidden}));
        if (m < 2) {
            const auto got = y.to_host();
            ASSERT_EQ(got.size(), want.size());
            for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(double(got[i]), want[i]) << i;
        }
    }
    EXPECT_EQ(cycles[1], cycles[0]);
    EXPECT_EQ(cycles[2], cycles[0]);
}

TEST_F(LookupOp, EmbeddingTiledTableAndChunks) {
    // 9216 wide: 288 tiles, over 2 x 1 MiB of CB, so chunks (the largest divisor <= 64: 48).
    const uint32_t vocab = 40, hidden = 9216;
    const auto table = random_bf16(size_t(vocab) * hidden, 3);
    const auto ids = random_ids(32, vocab, 4);
    const auto want = ref::embedding({table.begin(), table.end()}, hidden, ids);
    const auto x = RowMajorTensor::from_ids(dev, ids, 1, 32);
    EmbeddingPlan p;
    const Tensor y = embedding(x, RowMajorTensor::from_host(dev, table, vocab, hidden), {}, &p);
    EXPECT_EQ(p.chunk_tiles, 48u);
    EXPECT_EQ(p.num_chunks, 6u);
    auto got = y.to_host();
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(double(got[i]), want[i]) << i;
    // The same table tiled: the reader takes each row's face rows.
    const Tensor tt = Tensor::from_host(dev, table, {1, vocab, hidden}, DType::bfloat16);
    const Tensor z = embedding(x, tt, {}, &p);
    EXPECT_TRUE(p.tiled_weight);
    got = z.to_host();
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(double(got[i]), want[i]) << i;
}

TEST_F(LookupOp, EmbeddingErrors) {
    const auto t = RowMajorTensor::from_host(dev, random_bf16(64 * 64, 5), 64, 64);
    EXPECT_THROW(embedding(RowMajorTensor::from_ids(dev, random_ids(16, 64, 6), 1, 16), t),
                 std::invalid_argument);  // not a multiple of 32 ids
    EXPECT_THROW(embedding(RowMajorTensor::from_host(dev, random_bf16(32, 7), 1, 32), t),
                 std::invalid_argument);  // ids not uint32
}

TEST_F(LookupOp, ArgmaxMatchesReferenceWithTies) {
    const uint32_t rows = 32, cols = 1000;  // 32 tile columns, the last partial
    auto v = random_bf16(size_t(rows) * cols, 8);
    // Ties: row 0 has its max twice, on two different cores' columns; row 1 three times in one
    // tile; row 2's max in the padding-adjacent last column.
    v[0 * cols + 900] = 4.0f, v[0 * cols + 100] = 4.0f;
    v[1 * cols + 40] = 3.0f, v[1 * cols + 33] = 3.0f, v[1 * cols + 60] = 3.0f;
    v[2 * cols + 999] = 5.0f;
    const auto want = ref::argmax({v.begin(), v.end()}, rows, cols);
    EXPECT_EQ(want[0], 100u);
    EXPECT_EQ(want[1], 33u);
    EXPECT_EQ(want[2], 999u);
    uint64_t cycles[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        open(modes[m]);
        const Tensor x = Tensor::from_host(dev, v, {1, rows, cols}, DType::bfloat16);
        ArgmaxPlan p;
        const RowMajorTensor y = argmax(x, {.max_cores = 8}, &p);
        cycles[m] = tensim::last_program_stats(dev).device_cycles;
        EXPECT_EQ(tensim::last_program_stats(dev).name, "argmax");
        EXPECT_EQ(p.num_cores, 8u);
        EXPECT_EQ(p.tiles_per_core, 4u);
        if (m < 2) {
            EXPECT_EQ(y.ids(), want);
        }
    }
    EXPECT_EQ(cycles[1], cycles[0]);
    EXPECT_EQ(cycles[2], cycles[0]);
}

TEST_F(LookupOp, ArgmaxBatchedRowsAndChainsIntoEmbedding) {
    // [2, 5, 300]: padding rows of each batch entry are skipped; the ids feed embedding.
    const uint32_t b = 2, rows = 5, cols = 300;
    const auto v = random_bf16(size_t(b) * rows * cols, 9);
    const auto want = ref::argmax({v.begin(), v.end()}, b * rows, cols);
    const Tensor x = Tensor::from_host(dev, v, {b, rows, cols}, DType::bfloat16);
    const RowMajorTensor ids = argmax(x);
    EXPECT_EQ(ids.ids(), want);
    EXPECT_THROW(argmax(Tensor::from_host(dev, v, {b, rows, cols}, DType::bfloat8_b)),
                 std::invalid_argument);
}

TEST_F(LookupOp, ArgmaxOverPiecesCountsAcrossThem) {
    // Three pieces of 100, 64 and 50 columns, as the LM head's splits: the index is global.
    const uint32_t rows = 32, widths[3] = {100, 64, 50}, cols = 214;
    auto v = random_bf16(size_t(rows) * cols, 10);
    v[3 * cols + 150] = 6.0f;                           // in the second piece's padding-free part
    v[4 * cols + 213] = 6.0f;                           // the last column of the last piece
    v[5 * cols + 99] = 6.0f, v[5 * cols + 164] = 6.0f;  // tie across pieces: 99 wins
    const auto want = ref::argmax({v.begin(), v.end()}, rows, cols);
    std::vector<Tensor> pieces;
    for (uint32_t p = 0, c0 = 0; p < 3; c0 += widths[p++]) {
        std::vector<float> part(size_t(rows) * widths[p]);
        for (uint32_t r = 0; r < rows; ++r)
            for (uint32_t c = 0; c < widths[p]; ++c)
                part[size_t(r) * widths[p] + c] = v[size_t(r) * cols + c0 + c];
        pieces.push_back(Tensor::from_host(dev, part, {1, rows, widths[p]}, DType::bfloat16));
    }
    const RowMajorTensor ids = argmax(pieces, {.max_cores = 3});
    EXPECT_EQ(ids.ids(), want);
    EXPECT_EQ(want[5], 99u);
}

}  // namespace
