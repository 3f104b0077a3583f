// The program builder the matmul op's program families share (matmul.cpp: 2D and 1D;
// matmul_dram_sharded.cpp: DRAM-sharded): CBs, semaphores, the compute kernel and the runtime
// arguments of TT-NN's reader/writer kernels, from a MatmulPlan.
#pragma once
#include <array>
#include <map>
#include <string>
#include <vector>

#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"

namespace tensim::ops::detail {

using namespace tt::tt_metal;

inline const std::string kDir = "kernels/matmul/";
constexpr uint32_t kNocMaxBurstBytes = 8192;  // NOC_MAX_BURST_SIZE (TT-Metal dataflow_api.h)
constexpr uint32_t kNotASender = 0xffffffffu;

inline uint32_t clamp_valid(uint32_t total, uint32_t start, uint32_t share) {
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
    const Tensor* bias = nullptr;  // set when the plan fuses a bias

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
    // in1_w: the in1 block's width when it is narrower than the output block (the DRAM-sharded
    // program pads its compute width); reshard: the output CB is a CB of its own and c_6 is the
    // output's shard, which the writer fills (TT-NN's DRAM-sharded program).
    void create_cbs(const CoreRangeSet& in0_cores, const CoreRangeSet& workers,
                    uint32_t in1_buffers, uint32_t in1_w = 0, bool reshard = false) {
        if (!in1_w) in1_w = ow();
        const auto f0 = data_format(p.in0_dtype), f1 = data_format(p.in1_dtype);
        const auto fo = data_format(p.out_dtype), fi = data_format(p.interm_dtype);
        const uint32_t t0 = tile_bytes(p.in0_dtype), t1 = tile_bytes(p.in1_dtype);
        const uint32_t to = tile_bytes(p.out_dtype), ti = tile_bytes(p.interm_dtype);
        const uint32_t in0_tiles = ob() * bw() * 2, in1_tiles = bw() * in1_w * in1_buffers,
                       out_tiles = ob() * ow();
        CreateCircularBuffer(program, in0_cores,
                             CircularBufferConfig(in0_tiles * t0, {{tt::CBIndex::c_0, f0}})
                                 .set_page_size(tt::CBIndex::c_0, t0));
        CreateCircularBuffer(program, workers,
                             CircularBufferConfig(in1_tiles * t1, {{tt::CBIndex::c_1, f1}})
                                 .set_page_size(tt::CBIndex::c_1, t1));
        const bool out_sharded = p.out_mem.is_sharded() && !reshard;
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
        if (p.fuse_bias) {  // one output block's bias row
            const uint32_t tb = tile_bytes(p.bias_dtype);
            CreateCircularBuffer(
                program, workers,
                CircularBufferConfig(ow() * tb, {{tt::CBIndex::c_3, data_format(p.bias_dtype)}})
                    .set_page_size(tt::CBIndex::c_3, tb));
        }
        if (reshard && p.out_mem.is_sharded()) {
            CircularBufferConfig c(uint64_t(ob()) * p.per_core_N * to, {{tt::CBIndex::c_6, fo}});
            c.set_page_size(tt::CBIndex::c_6, to).set_globally_allocated_address(out.buffer());
            CreateCircularBuffer(program, workers, c);
        }
    }

    void create_semaphores(const CoreRangeSet& cores) {
        in0_sender_sem = CreateSemaphore(program, cores, INVALID);
        in0_receiver_sem = CreateSemaphore(program, cores, INVALID);
        in1_sender_sem = CreateSemaphore(program, cores, INVALID);
        in1_receiver_sem = CreateSemaphore(program, cores, INVALID);
    }

    // in1_w as in create_cbs: the in1 block's width (and stride); the last subblock then has
    // sw - (ow - in1_w) valid columns and its matmul is narrowed to them.
    void create_compute(const CoreRangeSet& workers, uint32_t in1_w = 0) {
        if (!in1_w) in1_w = ow();
        const uint32_t sh = p.out_subblock_h, sw = p.out_subblock_w;
        const uint32_t last_w = sw - (ow() - in1_w);
        std::vector<uint32_t> args = {bw(),
                                      ob() / sh,
                                      ob() * bw(),
                                      sh * bw(),
                                      ow() / sw,
                                      bw() * in1_w,
                                      in1_w,
                                      p.Kt / bw(),
                                      div_up(p.per_core_N, ow()),
                                      p.per_core_M / ob(),
                                      sh,
                                      sw,
                                      sh * sw,
                                      p.batch,
                                      ob() * ow(),
                                      last_w};
        std::map<std::string, std::string> defines;
        if (p.packer_l1_acc) defines["PACKER_L1_ACC"] = "1";
        if (p.fp32_dest_acc) defines["FP32_DEST_ACC_EN"] = "1";
        if (p.fuse_bias) defines["FUSE_BIAS"] = "1";
        if (p.activation == MatmulActivation::relu) defines["ACTIVATION_RELU"] = "1";
        if (p.activation == MatmulActivation::silu) defines["ACTIVATION_SILU"] = "1";
        if (p.activation == MatmulActivation::gelu) defines["ACTIVATION_GELU"] = "1";
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
        if (writer && p.fuse_bias) c.defines["FUSE_BIAS"] = "1";
        return c;
    }
    std::vector<uint32_t> in0_ct() const { return {uint32_t(a.memory_config().is_dram())}; }
    std::vector<uint32_t> in1_ct() const {
        return {uint32_t(b.memory_config().is_dram()), uint32_t(out.memory_config().is_dram()),
                uint32_t(bias && bias->memory_config().is_dram())};
    }
    // The in1 reader's trailing bias arguments: the bias address and the core's first column.
    void push_bias_args(std::vector<uint32_t>& v, uint32_t col0) const {
        if (!bias) return;
        v.push_back(bias->buffer().address());
        v.push_back(col0);
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
                div_up(p.per_core_N, ow()),
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
        return {ob() * bw(),         p.Kt / bw(),      div_up(p.per_core_N, ow()),
                p.per_core_M / ob(), uint32_t(s.x),    uint32_t(s.y),
                in0_sender_sem,      in0_receiver_sem, p.batch,
                uint32_t(is_worker)};
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
                                   div_up(p.per_core_N, ow()),
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
        push_bias_args(v, col0);
        return v;
    }
    std::vector<uint32_t> in1_receiver_args(const CoreCoord& sender, uint32_t row0, uint32_t col0,
                                            uint32_t valid_h, uint32_t valid_w) const {
        const CoreCoord s = noc(sender);
        std::vector<uint32_t> v = {
            bw() * ow(),         p.Kt / bw(),      div_up(p.per_core_N, ow()),
            p.per_core_M / ob(), uint32_t(s.x),    uint32_t(s.y),
            in1_sender_sem,      in1_receiver_sem, p.batch};
        auto w = writer_args(row0, col0);
        v.insert(v.end(), w.begin(), w.end());
        v.push_back(valid_h);
        v.push_back(valid_w);
        push_bias_args(v, col0);
        return v;
    }

    void build_2d();
    void build_1d();
    void build_dram_sharded();
};

}  // namespace tensim::ops::detail
