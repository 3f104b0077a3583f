// tensim::ops::matmul: builds and runs the program a MatmulPlan describes, with the kernels of
// kernels/matmul/ (TT-NN's matmul program factories, in TT-Metal style).
#include "tensim/ops/matmul.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

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

namespace {

const std::string kDir = "kernels/matmul/";
constexpr uint32_t kNocMaxBurstBytes = 8192;  // NOC_MAX_BURST_SIZE (TT-Metal dataflow_api.h)
constexpr uint32_t kNotASender = 0xffffffffu;

uint32_t clamp_valid(uint32_t total, uint32_t start, uint32_t share) {
    return total > start ? std::min(share, total - start) : 0;
}

struct Builder {
    IDevice* dev;
    const MatmulPlan& p;
    const Tensor& a;
    const Tensor& b;
    const Tensor& out;
    Program program = CreateProgram();
    uint32_t in0_sender_sem = 0, in0_receiver_sem = 0, in1_sender_sem = 0, in1_receiver_sem = 0;

    CoreCoord noc(const CoreCoord& logical) const {
        return dev->worker_core_from_logical_core(logical);
    }
    uint32_t ob() const { return p.out_block_h; }
    uint32_t ow() const { return p.out_block_w; }
    uint32_t bw() const { return p.in0_block_w; }

    // The rectangle's NoC corners as the kernel's NoC names them: NoC1 runs the other way, so
    // TT-NN passes the far corner as the start.
    std::array<uint32_t, 4> rect_args(const CoreRange& r, NOC n) const {
        CoreCoord s = noc(r.start_coord), e = noc(r.end_coord);
        if (n == NOC::NOC_1) std::swap(s, e);
        return {uint32_t(s.x), uint32_t(s.y), uint32_t(e.x), uint32_t(e.y)};
    }

    // CB c_0 first, on every core that receives in0, so it sits at the same address on all of them
    // (the multicast writes at the sender's address); then c_1 and the output on the workers.
    void create_cbs(const CoreRangeSet& in0_cores, const CoreRangeSet& workers,
                    uint32_t in1_buffers) {
        const auto f0 = data_format(p.in0_dtype), f1 = data_format(p.in1_dtype);
        const auto fo = data_format(p.out_dtype), fi = data_format(p.interm_dtype);
        const uint32_t t0 = tile_bytes(p.in0_dtype), t1 = tile_bytes(p.in1_dtype);
        const uint32_t to = tile_bytes(p.out_dtype), ti = tile_bytes(p.interm_dtype);
        const uint32_t in0_tiles = ob() * bw() * 2, in1_tiles = bw() * ow() * in1_buffers,
                       out_tiles = ob() * ow();
        CreateCircularBuffer(program, in0_cores,
                             CircularBufferConfig(in0_tiles * t0, {{tt::CBIndex::c_0, f0}})
                                 .set_page_size(tt::CBIndex::c_0, t0));
        CreateCircularBuffer(program, workers,
                             CircularBufferConfig(in1_tiles * t1, {{tt::CBIndex::c_1, f1}})
                                 .set_page_size(tt::CBIndex::c_1, t1));
        const bool out_sharded = p.out_mem.is_sharded();
        if (fi == fo) {
            // Partials and output share one region, as in TT-NN when their formats agree.
            CircularBufferConfig c(out_tiles * to,
                                   {{tt::CBIndex::c_4, fo}, {tt::CBIndex::c_5, fi}});
            c.set_page_size(tt::CBIndex::c_4, to).set_page_size(tt::CBIndex::c_5, ti);
            if (out_sharded) c.set_globally_allocated_address(out.buffer());
            CreateCircularBuffer(program, workers, c);
        } else {
            CircularBufferConfig c(out_tiles * to, {{tt::CBIndex::c_4, fo}});
            c.set_page_size(tt::CBIndex::c_4, to);
            if (out_sharded) c.set_globally_allocated_address(out.buffer());
            CreateCircularBuffer(program, workers, c);
            CreateCircularBuffer(program, workers,
                                 CircularBufferConfig(out_tiles * ti, {{tt::CBIndex::c_5, fi}})
                                     .set_page_size(tt::CBIndex::c_5, ti));
        }
    }

    void create_semaphores(const CoreRangeSet& cores) {
        in0_sender_sem = CreateSemaphore(program, cores, INVALID);
        in0_receiver_sem = CreateSemaphore(program, cores, INVALID);
        in1_sender_sem = CreateSemaphore(program, cores, INVALID);
        in1_receiver_sem = CreateSemaphore(program, cores, INVALID);
    }

    void create_compute(const CoreRangeSet& workers) {
        const uint32_t sh = p.out_subblock_h, sw = p.out_subblock_w;
        std::vector<uint32_t> args = {
            bw(),    ob() / sh,   ob() * bw(),         sh * bw(),           ow() / sw, bw() * ow(),
            ow(),    p.Kt / bw(), p.per_core_N / ow(), p.per_core_M / ob(), sh,        sw,
            sh * sw, p.batch,     ob() * ow()};
        std::map<std::string, std::string> defines;
        if (p.packer_l1_acc) defines["PACKER_L1_ACC"] = "1";
        if (p.fp32_dest_acc) defines["FP32_DEST_ACC_EN"] = "1";
        CreateKernel(program, kDir + "bmm_large_block_zm_fused_bias_activation.cpp", workers,
                     ComputeConfig{.math_fidelity = p.math_fidelity,
                                   .fp32_dest_acc_en = p.fp32_dest_acc,
                                   .compile_args = args,
                                   .defines = defines});
    }

    DataMovementConfig dm(DataMovementProcessor proc, NOC n, std::vector<uint32_t> args,
                          bool writer) const {
        DataMovementConfig c{.processor = proc, .noc = n, .compile_args = std::move(args)};
        if (writer && p.out_mem.is_sharded()) c.defines["OUT_SHARDED"] = "1";
        return c;
    }
    std::vector<uint32_t> in0_ct() const { return {uint32_t(a.memory_config().is_dram())}; }
    std::vector<uint32_t> in1_ct() const {
        return {uint32_t(b.memory_config().is_dram()), uint32_t(out.memory_config().is_dram())};
    }

    // in0 read from an interleaved tensor (rows starting at row0, this core's share valid_h rows),
    // multicast to `dests` cores of `rect` (0: none).
    std::vector<uint32_t> in0_sender_args(uint32_t row0, uint32_t valid_h, const CoreRange& rect,
                                          uint32_t dests, NOC n) const {
        auto r = rect_args(rect, n);
        return {a.buffer().address(),
                row0 * p.Kt,
                1,
                p.Kt,
                bw(),
                ob() * p.Kt,
                bw(),
                ob(),
                ob() * bw(),
                p.Kt / bw(),
                p.per_core_N / ow(),
                p.per_core_M / ob(),
                valid_h,
                r[0],
                r[1],
                r[2],
                r[3],
                dests,
                in0_sender_sem,
                in0_receiver_sem,
                p.Mt * p.Kt,
                p.batch};
    }
    std::vector<uint32_t> in0_receiver_args(const CoreCoord& sender, bool is_worker) const {
        const CoreCoord s = noc(sender);
        return {ob() * bw(),   p.Kt / bw(),        p.per_core_N / ow(), p.per_core_M / ob(),
                uint32_t(s.x), uint32_t(s.y),      in0_sender_sem,      in0_receiver_sem,
                p.batch,       uint32_t(is_worker)};
    }
    // in0 from shards: the group is `rect`, the K slices are held by `senders` in order.
    std::vector<uint32_t> in0_sharded_args(const std::vector<CoreCoord>& senders, uint32_t me,
                                           const CoreRange& rect, bool is_worker, NOC n) const {
        const uint32_t shard_w = p.a_mem.shard_tiles[1];
        auto r = rect_args(rect, n);
        std::vector<uint32_t> v = {a.buffer().address(),
                                   shard_w,
                                   bw(),
                                   p.a_mem.shard_tiles[0],
                                   p.Kt / bw(),
                                   shard_w / bw(),
                                   me,
                                   uint32_t(senders.size()),
                                   r[0],
                                   r[1],
                                   r[2],
                                   r[3],
                                   uint32_t(rect.size()),
                                   in0_sender_sem,
                                   in0_receiver_sem,
                                   uint32_t(is_worker)};
        for (const auto& s : senders) {
            const CoreCoord c = noc(s);
            v.push_back(uint32_t(c.x));
            v.push_back(uint32_t(c.y));
        }
        return v;
    }
    // Output placement of a core whose share starts at tile (row0, col0).
    std::vector<uint32_t> writer_args(uint32_t row0, uint32_t col0) const {
        const uint32_t sh = p.out_subblock_h, sw = p.out_subblock_w;
        return {out.buffer().address(),
                row0 * p.Nt + col0,
                1,
                p.Nt,
                sw,
                sh * p.Nt,
                ow(),
                ob() * p.Nt,
                sw,
                sh,
                sh * sw,
                ow() / sw,
                ob() / sh,
                p.Mt * p.Nt};
    }
    std::vector<uint32_t> in1_sender_args(uint32_t col0, uint32_t valid_w, const CoreRange& rect,
                                          uint32_t dests, uint32_t row0, uint32_t valid_h,
                                          NOC n) const {
        auto r = rect_args(rect, n);
        std::vector<uint32_t> v = {b.buffer().address(),
                                   col0,
                                   1,
                                   p.Nt,
                                   bw() * p.Nt,
                                   ow(),
                                   ow(),
                                   bw(),
                                   bw() * ow(),
                                   p.Kt / bw(),
                                   p.per_core_N / ow(),
                                   p.per_core_M / ob(),
                                   valid_w,
                                   r[0],
                                   r[1],
                                   r[2],
                                   r[3],
                                   dests,
                                   in1_sender_sem,
                                   in1_receiver_sem,
                                   p.Kt * p.Nt,
                                   p.batch,
                                   uint32_t(p.bcast_b)};
        auto w = writer_args(row0, col0);
        v.insert(v.end(), w.begin(), w.end());
        v.push_back(valid_h);
        return v;
    }
    std::vector<uint32_t> in1_receiver_args(const CoreCoord& sender, uint32_t row0, uint32_t col0,
                                            uint32_t valid_h, uint32_t valid_w) const {
        const CoreCoord s = noc(sender);
        std::vector<uint32_t> v = {bw() * ow(),         p.Kt / bw(),      p.per_core_N / ow(),
                                   p.per_core_M / ob(), uint32_t(s.x),    uint32_t(s.y),
                                   in1_sender_sem,      in1_receiver_sem, p.batch};
        auto w = writer_args(row0, col0);
        v.insert(v.end(), w.begin(), w.end());
        v.push_back(valid_h);
        v.push_back(valid_w);
        return v;
    }

    void build_2d();
    void build_1d();
    void build_dram_sharded();
};

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
void Builder::build_dram_sharded() {
    const detail::DeviceFacts f = detail::device_facts(dev);
    const bool in0_sharded = p.a_mem.is_sharded();
    std::vector<CoreCoord> senders;
    if (in0_sharded) senders = corerange_to_cores(*p.a_mem.shard_grid, std::nullopt, true);
    const CoreRange rect = detail::dram_sharded_rect(f, senders);
    const std::vector<CoreCoord> workers(f.bank_workers.begin(),
                                         f.bank_workers.begin() + p.num_cores);
    std::vector<CoreRange> wr(workers.begin(), workers.end());
    const CoreRangeSet worker_set(wr), all(rect);
    create_cbs(all, worker_set, 3);
    create_semaphores(all);
    create_compute(worker_set);
    const NOC in0_noc = NOC::NOC_1, in1_noc = NOC::NOC_0;
    auto is_worker = [&](const CoreCoord& c) {
        return std::find(workers.begin(), workers.end(), c) != workers.end();
    };

    const CoreCoord sender = workers.front();
    KernelHandle k_in0 = 0, k_in0_receiver = 0;
    if (in0_sharded) {
        k_in0 = CreateKernel(
            program, kDir + "reader_bmm_tile_layout_in0_sender_receiver_padding_block_sharded.cpp",
            all, dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
    } else {
        k_in0 = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_sender_padding.cpp",
                             CoreRange(sender),
                             dm(DataMovementProcessor::RISCV_1, in0_noc, in0_ct(), false));
        if (rect.size() > 1)
            k_in0_receiver = CreateKernel(program, kDir + "reader_bmm_tile_layout_in0_receiver.cpp",
                                          all.subtract(CoreRangeSet(CoreRange(sender))),
                                          dm(DataMovementProcessor::RISCV_1, in0_noc, {}, false));
    }
    for (const CoreCoord& core : rect) {
        if (in0_sharded) {
            auto it = std::find(senders.begin(), senders.end(), core);
            const uint32_t me = it == senders.end() ? kNotASender : uint32_t(it - senders.begin());
            SetRuntimeArgs(program, k_in0, core,
                           in0_sharded_args(senders, me, rect, is_worker(core), in0_noc));
        } else if (core == sender) {
            SetRuntimeArgs(program, k_in0, core,
                           in0_sender_args(0, p.Mt, rect, uint32_t(rect.size()) - 1, in0_noc));
        } else {
            SetRuntimeArgs(program, k_in0_receiver, core,
                           in0_receiver_args(sender, is_worker(core)));
        }
    }
    const KernelHandle k_in1 =
        CreateKernel(program, kDir + "reader_bmm_tile_layout_in1_sender_dram_sharded.cpp",
                     worker_set, dm(DataMovementProcessor::RISCV_0, in1_noc, in1_ct(), true));
    // Reads of at most one packet that tile the block (TT-NN's get_max_page_size_and_num_pages).
    const uint32_t t1 = tile_bytes(p.in1_dtype), block_tiles = bw() * p.per_core_N;
    uint32_t page = std::max(1u, kNocMaxBurstBytes / t1) * t1;
    while (page > t1 && (uint64_t(block_tiles) * t1) % page) page -= t1;
    const uint32_t pages = block_tiles * t1 / page;
    for (uint32_t bank = 0; bank < p.num_cores; ++bank) {
        // Readers sharing a row take different VCs: bank & 3, moved on by one when an earlier
        // reader of the row has the same bank & 3 (TT-NN's DRAM-sharded factory). Not timed: the
        // NoC model keeps no VCs on reads.
        uint32_t vc = bank & 3;
        for (uint32_t j = 0; j < bank; ++j)
            if (workers[j].y == workers[bank].y && (j & 3) == (bank & 3)) {
                vc = (vc + 1) & 3;
                break;
            }
        const uint32_t col0 = bank * p.per_core_N;
        std::vector<uint32_t> v = {b.buffer().address(), bank,       vc, page, pages,
                                   block_tiles,          p.Kt / bw()};
        const auto w = writer_args(0, col0);
        v.insert(v.end(), w.begin(), w.begin() + 6);       // address .. subblock stride h
        v.insert(v.end(), w.begin() + 8, w.begin() + 13);  // subblock shape and counts
        v.push_back(p.Mt);
        v.push_back(clamp_valid(p.Nt, col0, p.per_core_N));
        SetRuntimeArgs(program, k_in1, workers[bank], v);
    }
}

}  // namespace

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
    Builder bld{dev, p, a, b, out};
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
