// tensim::ops::matmul: C = A x B over device tensors, run with the multi-core program families
// TT-NN uses on Wormhole (docs/ops.md):
//   mcast_2d      in0 blocks multicast along grid rows from the left column (or, with in0
//                 block-sharded, from the core holding each K slice), in1 blocks down grid columns
//                 from the top row; each core owns a per_core_M x per_core_N output block.
//   mcast_1d      a 1D set of cores: mcast_in0 splits N over the cores and multicasts in0 to all of
//                 them (wide outputs); otherwise M is split and in1 is multicast (tall outputs).
//   dram_sharded  in1 width-sharded over the 12 DRAM banks, each bank read by the worker next to
//                 it; in0 multicast to the workers one K block at a time (decode-style matmuls).
// Every field left at its default is chosen by plan_matmul the way a tuned TT-NN program config
// would be; fields that are set are taken as given (and checked).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensim/host/data_format.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

enum class MatmulProgram { automatic, mcast_2d, mcast_1d, dram_sharded };
std::string program_name(MatmulProgram p);  // "auto", "2d_mcast", "1d_mcast", "dram_sharded"
MatmulProgram parse_program(std::string_view name);  // throws std::invalid_argument
MathFidelity parse_fidelity(std::string_view name);  // LoFi, HiFi2, HiFi3, HiFi4
std::string fidelity_name(MathFidelity f);

// Activation fused into the matmul (TT-NN's `activation=` of ttnn.linear / fused_activation).
enum class MatmulActivation { none, relu, silu, gelu };
std::string activation_name(MatmulActivation a);           // "none", "relu", "silu", "gelu"
MatmulActivation parse_activation(std::string_view name);  // throws std::invalid_argument

struct MatmulConfig {
    MatmulProgram program = MatmulProgram::automatic;
    // Compute grid the program may use; 0 = the device's compute grid (8x8 on n150).
    uint32_t grid_x = 0, grid_y = 0;
    // Block sizes in tiles; 0 = chosen. per_core_M x per_core_N is a core's share of the output;
    // out_block_h x out_block_w (dividing it; mcast_2d only) is what the core holds in L1 at once;
    // in0_block_w is the K step; out_subblock_h x out_subblock_w is what Dst holds.
    uint32_t per_core_M = 0, per_core_N = 0, in0_block_w = 0;
    uint32_t out_block_h = 0, out_block_w = 0;
    uint32_t out_subblock_h = 0, out_subblock_w = 0;
    std::optional<bool> mcast_in0;  // mcast_1d: true splits N and multicasts in0
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = false;
    // Packer L1 accumulation of partial sums across K blocks; unset = on (tuned TT-NN configs use
    // it).
    std::optional<bool> packer_l1_acc;
    std::optional<DType> out_dtype;  // unset = in0's dtype
    // Output memory; a sharded request without a grid gets the layout the program produces.
    MemoryConfig out_mem = MemoryConfig::dram_interleaved();
    // Fused bias (TT-NN's FUSE_BIAS): a [1, N] interleaved tensor whose first row is added to every
    // output row after the last K step (Qwen2's QKV bias). Fused activation: applied on Dst to the
    // result (after the bias) before it is packed out.
    std::optional<Tensor> bias;
    MatmulActivation activation = MatmulActivation::none;
};

// What the planner needs to know of the operands, so a caller can plan before creating them.
// Sharded requests without a grid are completed by the plan (see MatmulPlan::a_mem).
struct MatmulOperands {
    Shape a, b;
    DType a_dtype = DType::bfloat16, b_dtype = DType::bfloat16;
    MemoryConfig a_mem, b_mem;
    bool allocated = false;  // true: a and b already hold L1 (their shards are not budgeted again)
};

// Every choice made: what the program that runs looks like.
struct MatmulPlan {
    MatmulProgram program = MatmulProgram::mcast_2d;
    uint32_t batch = 1;   // batches run by the kernels (in1 batched); folded into Mt otherwise
    bool bcast_b = true;  // in1 shared by every batch
    uint32_t Mt = 0, Kt = 0, Nt = 0;  // tiles (Mt includes folded batches)
    uint32_t grid_x = 0, grid_y = 0;  // device grid considered
    uint32_t cores_x = 0,
             cores_y = 0;    // cores that compute (mcast_2d: a cores_x x cores_y rectangle)
    uint32_t num_cores = 0;  // compute cores
    uint32_t per_core_M = 0, per_core_N = 0, in0_block_w = 0;
    uint32_t out_block_h = 0, out_block_w = 0, out_subblock_h = 0, out_subblock_w = 0;
    bool mcast_in0 = true;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = false, packer_l1_acc = true;
    DType in0_dtype = DType::bfloat16, in1_dtype = DType::bfloat16, out_dtype = DType::bfloat16;
    DType interm_dtype = DType::bfloat16;  // partial sums between K blocks
    MemoryConfig a_mem, b_mem, out_mem;    // complete
    uint64_t l1_bytes_per_core = 0;        // CBs plus the L1 tensors on the busiest core
    uint64_t l1_budget = 0;                // what was free for them
    bool fuse_bias = false;
    DType bias_dtype = DType::bfloat16;
    MatmulActivation activation = MatmulActivation::none;
    std::string why;  // the chooser's reasons, one clause per choice

    uint32_t num_k_blocks() const { return in0_block_w ? Kt / in0_block_w : 0; }
    std::string describe() const;  // one line: family, grid, blocks, subblock, formats
};

// Chooses (or checks) a program for A[batch, M, K] x B[K, N] (B may also carry the batch). Throws
// std::invalid_argument when the operands do not fit each other or the config is impossible
// (the message says which rule failed).
MatmulPlan plan_matmul(tt::tt_metal::IDevice* device, const MatmulOperands& operands,
                       const MatmulConfig& config);

// Runs the matmul and returns C in plan.out_mem with plan.out_dtype. The operands' memory configs
// must be what the plan wants (plan first with MatmulOperands to learn them); an operand stored
// otherwise is an std::invalid_argument. `plan_out`, if given, receives the plan that ran.
Tensor matmul(const Tensor& a, const Tensor& b, const MatmulConfig& config = {},
              MatmulPlan* plan_out = nullptr);

// The host reference: C = A x B in fp64 (A [rows][k], B [k][n], row-major; a batched A folds its
// batch into rows) through the BLAS (OpenBLAS's dgemm). `one_thread`: OpenBLAS runs one thread
// (a process-wide setting, restored on return; for a reference computed beside other work; same
// values). Throws
// std::invalid_argument when a vector is shorter than its shape.
std::vector<double> matmul_reference(const std::vector<float>& a, const std::vector<float>& b,
                                     uint32_t rows, uint32_t k, uint32_t n,
                                     bool one_thread = false);

// The PCC of `got` (rows x n, row-major) against matmul_reference(a, b, rows, k, n), computed in
// row panels without holding the fp64 product (one pass: sums of x, y, x^2, y^2, xy; 1 for two
// equal constants). Throws std::invalid_argument when a vector is shorter than its shape.
double matmul_pcc(const std::vector<float>& a, const std::vector<float>& b,
                  const std::vector<float>& got, uint32_t rows, uint32_t k, uint32_t n);
// The same PCC against a product computed beforehand by matmul_reference (the same sums in the
// same order, so the same value). Throws std::invalid_argument when the sizes differ.
double matmul_pcc(const std::vector<double>& ref, const std::vector<float>& got);

}  // namespace tensim::ops
