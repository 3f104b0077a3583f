// tensim::ops::matmul: builds and runs the program a MatmulPlan describes, with the kernels of
// kernels/matmul/ (TT-NN's matmul program factories, in TT-Metal style).
#include "tensim/ops/matmul.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "ops/matmul_builder.hpp"
#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

std::string program_name(MatmulProgram p) {
    switch (p) {
        case MatmulProgram::mcast_2d:
            return "2d_mcast";
        case MatmulProgram::mcast_1d:
            return "1d_mcast";
        case MatmulProgram::dram_sharded:
            return "dram_sharded";
        case MatmulProgram::automatic:
            break;
    }
    return "auto";
}

MatmulProgram parse_program(std::string_view name) {
    if (name == "auto") return MatmulProgram::automatic;
    if (name == "2d_mcast" || name == "2d") return MatmulProgram::mcast_2d;
    if (name == "1d_mcast" || name == "1d") return MatmulProgram::mcast_1d;
    if (name == "dram_sharded") return MatmulProgram::dram_sharded;
    throw std::invalid_argument(
        fmt::format("unknown matmul program '{}' (auto, 2d_mcast, 1d_mcast, dram_sharded)", name));
}

MathFidelity parse_fidelity(std::string_view name) {
    std::string n(name);
    for (char& c : n) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (n == "lofi") return MathFidelity::LoFi;
    if (n == "hifi2") return MathFidelity::HiFi2;
    if (n == "hifi3") return MathFidelity::HiFi3;
    if (n == "hifi4") return MathFidelity::HiFi4;
    throw std::invalid_argument(
        fmt::format("unknown math fidelity '{}' (LoFi, HiFi2, HiFi3, HiFi4)", name));
}

std::string fidelity_name(MathFidelity f) {
    switch (f) {
        case MathFidelity::LoFi:
            return "LoFi";
        case MathFidelity::HiFi2:
            return "HiFi2";
        case MathFidelity::HiFi3:
            return "HiFi3";
        default:
            return "HiFi4";
    }
}

std::string activation_name(MatmulActivation a) {
    switch (a) {
        case MatmulActivation::relu:
            return "relu";
        case MatmulActivation::silu:
            return "silu";
        case MatmulActivation::gelu:
            return "gelu";
        case MatmulActivation::none:
            break;
    }
    return "none";
}

MatmulActivation parse_activation(std::string_view name) {
    for (auto a : {MatmulActivation::none, MatmulActivation::relu, MatmulActivation::silu,
                   MatmulActivation::gelu})
        if (name == activation_name(a)) return a;
    throw std::invalid_argument(
        fmt::format("unknown activation '{}' (none, relu, silu, gelu)", name));
}

namespace detail {

// in0 along rows from the left column (or from each K slice's shard core), in1 down columns from
// the top row; NoC choices as TT-NN's 2D factory (in0 on NoC1, in1 and the output on NoC0).
void Builder::build_2d() {
    const uint32_t cx = p.cores_x, cy = p.cores_y;
    const CoreRangeSet all(CoreRange({0, 0}, {cx - 1, cy - 1}));
    create_cbs(all, all, 2);
    create_semaphores(all);
    create_compute(all);
    const bool in0_sharded = p.a_mem.is_sharded();
    const NOC in0_noc = NOC::NOC_1, in1_noc = NOC::NOC_0;
    // Receivers that are neither in the sender column, the sender row nor the column next to the
    // senders run on the other NoCs (TT-NN's "other_noc_setup" kernels), which splits the
    // output writes and the semaphore traffic over both NoCs.
    const bool split = cx > 2 && cy > 1;
    const CoreRangeSet other_rx =
        split ? CoreRangeSet(CoreRange({2, 1}, {cx - 1, cy - 1})) : CoreRangeSet();
    auto is_other = [&](uint32_t x, uint32_t y) { return split && x >= 2 && y >= 1; };
    KernelHandle k_in0_sender = 0, k_in0_receiver = 0, k_in0_receiver_other = 0, k_in0_sharded = 0;
    const std::string in0_rx = kDir + "reader_bmm_tile_layout_in0_receiver.cpp";
    if (in0_sharded) {
        k_in0_sharded = CreateKernel(
            program, kDir + "reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp",
            all, dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
    } else {
        k_in0_sender = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_sender_padding.cpp",
                                    CoreRange({0, 0}, {0, cy - 1}),
                                    dm(DataMovementProcessor::RISCV_1, in0_noc, in0_ct(), false));
        if (cx > 1) {
            const CoreRangeSet rx =
                CoreRangeSet(CoreRange({1, 0}, {cx - 1, cy - 1})).subtract(other_rx);
            k_in0_receiver = CreateKernel(program, in0_rx, rx,
                                          dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
        }
        if (split)
            k_in0_receiver_other = CreateKernel(
                program, in0_rx, other_rx, dm(DataMovementProcessor::RISCV_1, in1_noc, {}, false));
    }
    const KernelHandle k_in1_sender =
        CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_sender_writer_padding.cpp",
                     CoreRange({0, 0}, {cx - 1, 0}),
                     dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    KernelHandle k_in1_receiver = 0, k_in1_receiver_other = 0;
    const std::string in1_rx = kDir + "reader_bmm_tile_layout_in1_receiver_writer_padding.cpp";
    if (cy > 1) {
        const CoreRangeSet rx =
            CoreRangeSet(CoreRange({0, 1}, {cx - 1, cy - 1})).subtract(other_rx);
        k_in1_receiver = CreateKernel(program, in1_rx, rx,
                                      dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    }
    if (split)
        k_in1_receiver_other = CreateKernel(
            program, in1_rx, other_rx, dm(DataMovementProcessor::RISCV_0, in0_noc, in1_ct(), true));

    for (uint32_t y = 0; y < cy; ++y) {
        std::vector<CoreCoord> row_senders;
        for (uint32_t x = 0; x < cx; ++x) row_senders.push_back({x, y});
        for (uint32_t x = 0; x < cx; ++x) {
            const CoreCoord core{x, y};
            const uint32_t row0 = y * p.per_core_M, col0 = x * p.per_core_N;
            const uint32_t valid_h = clamp_valid(p.Mt, row0, p.per_core_M),
                           valid_w = clamp_valid(p.Nt, col0, p.per_core_N);
            if (in0_sharded) {
                SetRuntimeArgs(program, k_in0_sharded, core,
                               in0_sharded_args(row_senders, x, CoreRange({0, y}, {cx - 1, y}),
                                                true, in0_noc));
            } else if (x == 0) {
                const CoreRange rest = cx > 1 ? CoreRange({1, y}, {cx - 1, y}) : CoreRange(core);
                SetRuntimeArgs(program, k_in0_sender, core,
                               in0_sender_args(row0, valid_h, rest, cx - 1, in0_noc));
            } else {
                SetRuntimeArgs(program, is_other(x, y) ? k_in0_receiver_other : k_in0_receiver,
                               core, in0_receiver_args({0, y}, true));
            }
            if (y == 0) {
                const CoreRange rest = cy > 1 ? CoreRange({x, 1}, {x, cy - 1}) : CoreRange(core);
                SetRuntimeArgs(
                    program, k_in1_sender, core,
                    in1_sender_args(col0, valid_w, rest, cy - 1, row0, valid_h, in1_noc));
            } else {
                SetRuntimeArgs(program, is_other(x, y) ? k_in1_receiver_other : k_in1_receiver,
                               core, in1_receiver_args({x, 0}, row0, col0, valid_h, valid_w));
            }
        }
    }
}

// A cores_x x cores_y rectangle, filled row by row. mcast_in0: core i owns columns
// [i*per_core_N, ...) and reads its in1; in0 comes from core 0 (or the shards) to all. mcast_in1:
// core i owns rows [i*per_core_M, ...) and reads its in0; in1 comes from core 0. NoCs as TT-NN's
// 1D factory (in0 on NoC0, in1 and the output on NoC1).
void Builder::build_1d() {
    const uint32_t w = p.cores_x, n = p.cores_x * p.cores_y;
    const CoreRange rect({0, 0}, {w - 1, p.cores_y - 1});
    const CoreRangeSet all(rect);
    create_cbs(all, all, 2);
    create_semaphores(all);
    create_compute(all);
    const NOC in0_noc = NOC::NOC_0, in1_noc = NOC::NOC_1;
    const bool in0_sharded = p.a_mem.is_sharded();
    const CoreCoord first{0, 0};
    const CoreRangeSet others =
        n > 1 ? all.subtract(CoreRangeSet(CoreRange(first))) : CoreRangeSet();
    auto core_at = [&](uint32_t i) { return CoreCoord{i % w, i / w}; };

    if (p.mcast_in0) {
        KernelHandle k_in0 = 0, k_in0_receiver = 0;
        std::vector<CoreCoord> senders;
        if (in0_sharded) {
            senders = corerange_to_cores(*p.a_mem.shard_grid, std::nullopt, true);
            k_in0 = CreateKernel(
                program,
                kDir + "reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp", all,
                dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
        } else {
            k_in0 = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_sender_padding.cpp",
                                 CoreRange(first),
                                 dm(DataMovementProcessor::RISCV_1, in0_noc, in0_ct(), false));
            if (n > 1)
                k_in0_receiver =
                    CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_receiver.cpp", others,
                                 dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
        }
        const KernelHandle k_in1 =
            CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_sender_writer_padding.cpp",
                         all, dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
        for (uint32_t i = 0; i < n; ++i) {
            const CoreCoord core = core_at(i);
            const uint32_t col0 = i * p.per_core_N, valid_w = clamp_valid(p.Nt, col0, p.per_core_N);
            if (in0_sharded) {
                const uint32_t me = i < senders.size() ? i : kNotASender;
                SetRuntimeArgs(program, k_in0, core,
                               in0_sharded_args(senders, me, rect, true, in0_noc));
            } else if (i == 0) {
                SetRuntimeArgs(program, k_in0, core,
                               in0_sender_args(0, p.Mt, rect, n - 1, in0_noc));
            } else {
                SetRuntimeArgs(program, k_in0_receiver, core, in0_receiver_args(first, true));
            }
            SetRuntimeArgs(program, k_in1, core,
                           in1_sender_args(col0, valid_w, CoreRange(core), 0, 0, p.Mt, in1_noc));
        }
        return;
    }

    const KernelHandle k_in0 =
        in0_sharded
            ? CreateKernel(
                  program,
                  kDir + "reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp",
                  all, dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false))
            : CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_sender_padding.cpp", all,
                           dm(DataMovementProcessor::RISCV_1, in0_noc, in0_ct(), false));
    const KernelHandle k_in1 =
        CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_sender_writer_padding.cpp",
                     CoreRange(first), dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    KernelHandle k_in1_receiver = 0;
    if (n > 1)
        k_in1_receiver =
            CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_receiver_writer_padding.cpp",
                         others, dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    for (uint32_t i = 0; i < n; ++i) {
        const CoreCoord core = core_at(i);
        const uint32_t row0 = i * p.per_core_M, valid_h = clamp_valid(p.Mt, row0, p.per_core_M);
        if (in0_sharded)  // a group of one: the core copies its own shard's K blocks
            SetRuntimeArgs(program, k_in0, core,
                           in0_sharded_args({core}, 0, CoreRange(core), true, in0_noc));
        else
            SetRuntimeArgs(program, k_in0, core,
                           in0_sender_args(row0, valid_h, CoreRange(core), 0, in0_noc));
        if (i == 0)
            SetRuntimeArgs(program, k_in1, core,
                           in1_sender_args(0, p.Nt, rect, n - 1, row0, valid_h, in1_noc));
        else
            SetRuntimeArgs(program, k_in1_receiver, core,
                           in1_receiver_args(first, row0, 0, valid_h, p.Nt));
    }
}

// Workers next to the DRAM banks read their in1 slice from their bank; in0 reaches every core of
// the rectangle around them (and around in0's shards) one K block at a time; cores of the
// rectangle that are not workers only take part in the handshake.
}  // namespace detail

Tensor matmul(const Tensor& a, const Tensor& b, const MatmulConfig& config, MatmulPlan* plan_out) {
    if (!a.is_allocated() || !b.is_allocated())
        throw std::invalid_argument("matmul: an operand holds no buffer");
    if (a.device() != b.device())
        throw std::invalid_argument("matmul: the operands are on different devices");
    IDevice* dev = a.device();
    const MatmulOperands ops{a.shape(),         b.shape(),         a.dtype(), b.dtype(),
                             a.memory_config(), b.memory_config(), true};
    const MatmulPlan p = plan_matmul(dev, ops, config);
    Tensor out = Tensor::allocate(dev, {a.shape().batch, a.shape().rows, b.shape().cols},
                                  p.out_dtype, p.out_mem);
    if (p.fuse_bias) {
        const Tensor& bias = *config.bias;
        if (!bias.is_allocated() || bias.device() != dev)
            throw std::invalid_argument("matmul: the bias holds no buffer on the operands' device");
        if (bias.memory_config().is_sharded())
            throw std::invalid_argument("matmul: the bias must be interleaved (DRAM or L1)");
    }
    detail::Builder bld{dev, p, a, b, out};
    if (p.fuse_bias) bld.bias = &*config.bias;
    switch (p.program) {
        case MatmulProgram::mcast_2d:
            bld.build_2d();
            break;
        case MatmulProgram::mcast_1d:
            bld.build_1d();
            break;
        case MatmulProgram::dram_sharded:
            bld.build_dram_sharded();
            break;
        case MatmulProgram::automatic:
            break;
    }
    tensim::set_program_name(
        bld.program, fmt::format("matmul {} {}x{}x{}", program_name(p.program),
                                 a.shape().batch * a.shape().rows, a.shape().cols, b.shape().cols));
    EnqueueProgram(dev->command_queue(), bld.program, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
