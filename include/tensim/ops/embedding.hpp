// tensim::ops::embedding: TT-NN's embedding op with its fused tilize (ttnn.embedding(ids, weight,
// layout=TILE), embeddings_fused_program_factory): each output tile row is 32 tokens; a reader
// gathers the 32 weight rows their ids name into a row-major block in L1, the compute core tilizes
// it, a writer stores the tiles. Blocks of 32 tokens are split over the cores as TT-NN's
// split_work_to_cores does; rows wider than 2 x 1 MiB of CB are read in chunks of 64 tiles
// (TT-NN's chunked path).
#pragma once
#include <cstdint>
#include <string>
#include <variant>

#include "tensim/ops/row_major.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct EmbeddingConfig {
    DType output_dtype = DType::bfloat16;
    MemoryConfig output = MemoryConfig::dram_interleaved();  // interleaved, DRAM or L1
};

struct EmbeddingPlan {
    uint32_t num_cores = 0;
    uint32_t blocks_per_core = 0;  // the largest share of 32-token blocks
    uint32_t chunk_tiles = 0;      // tiles of one row-block per CB fill
    uint32_t num_chunks = 0;       // chunks per 32-token block
    uint32_t buffering = 0;        // CB depth in chunks
    bool tiled_weight = false;
    std::string why;
    std::string describe() const;
};

// Table: a row-major [vocab, hidden] bfloat16 RowMajorTensor (tt_transformers' Embedding keeps
// its weight ROW_MAJOR in DRAM), or a tiled bfloat16 Tensor [1, vocab, hidden] (each row is then
// read as the two 32-byte face rows of every column tile).
using EmbeddingTable = std::variant<RowMajorTensor, Tensor>;

// ids: uint32 [batch, tokens] with tokens a multiple of 32 (TT-NN pads the ids); the output is
// [1, batch * tokens, hidden] in TILE layout. An id beyond the table is the caller's error, as in
// TT-NN (no bounds check in the kernel). Throws std::invalid_argument for the shapes, types or
// memory configs the program does not take.
Tensor embedding(const RowMajorTensor& ids, const EmbeddingTable& table,
                 const EmbeddingConfig& cfg = {}, EmbeddingPlan* plan_out = nullptr);

}  // namespace tensim::ops
