// The simulator side of the compute kernel API: each function is one TRISC's part of a call
// (include/tensim/kernel_api/compute_kernel_api.h). Unpack reads tiles from CBs into a Src bank,
// math runs the FPU or SFPU into Dst, pack writes Dst tiles into a CB; the handshakes and costs
// live in ComputeEngine, the arithmetic in sim/numerics.
#include <cmath>
#include <cstring>
#include <source_location>
#include <map>
#include <string>

#include <fmt/format.h>

#include "common/error.hpp"
#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"
#include "numerics/sfpu.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

// These definitions match the declarations in compute_kernel_api.h, which cannot be included here:
// its device-side DataFormat clashes with the host's tt::DataFormat. A mismatch shows up as an
// undefined symbol when a kernel is loaded.
using Loc = std::source_location;
enum UnpackFlags : uint32_t { unpack_transpose = 1, unpack_bcast_row = 2, unpack_bcast_col = 4, unpack_bcast_scalar = 8,
                               unpack_copy = 256 };
enum MathOp : uint32_t { op_add, op_sub, op_mul, op_copy, op_matmul, op_reduce_sum, op_reduce_max, op_reduce_min };

namespace {

using numerics::Tile;

RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("compute API called outside a kernel thread");
    return *t;
}

ComputeEngine& engine(RiscThread& t) { return t.core().compute(); }

[[noreturn]] void misuse(RiscThread& t, const Loc& loc, const std::string& what) {
    throw KernelError(fmt::format("{}: {}", t.where(loc.file_name(), loc.line()), what));
}

void api_cost(RiscThread& t) { t.advance(engine(t).config().trisc_api_cycles); }

constexpr uint32_t at(uint32_t r, uint32_t c) { return static_cast<uint32_t>(numerics::tile_index(int(r), int(c))); }

const LocalCb& cb_of(RiscThread& t, uint32_t cb, const Loc& loc) {
    if (cb >= l1_map::kMaxCbs) misuse(t, loc, fmt::format("CB index {} out of range (0..31)", cb));
    const LocalCb& c = t.cb(cb);
    if (!c.configured) misuse(t, loc, fmt::format("CB {} is not configured on this core", cb));
    return c;
}

// L1 offset of page `index` counted from `ptr`, wrapping at the end of the FIFO.
uint32_t page_at(const LocalCb& c, uint32_t ptr, uint32_t index) {
    uint32_t off = ptr - c.fifo_addr + index * c.page_size;
    return c.fifo_addr + off % c.fifo_size;
}

// L1 offset `bytes` past `ptr` in the FIFO, wrapping at its end.
uint32_t fifo_at(const LocalCb& c, uint32_t ptr, uint32_t bytes) {
    return c.fifo_addr + (ptr - c.fifo_addr + bytes) % c.fifo_size;
}

uint32_t occupied(RiscThread& t, uint32_t cb) {
    return t.core().word(l1_map::cb_received(cb)) - t.core().word(l1_map::cb_acked(cb));
}

// The tile at `index` from the front of `cb`, as the unpacker sees it; checks it was waited for.
const uint8_t* front_tile(RiscThread& t, uint32_t cb, uint32_t index, const Loc& loc) {
    const LocalCb& c = cb_of(t, cb, loc);
    if (index >= occupied(t, cb))
        misuse(t, loc, fmt::format("tile index {} of CB {} is beyond the {} pages at its front (cb_wait_front first)",
                                   index, cb, occupied(t, cb)));
    return t.core().l1() + page_at(c, c.rd_ptr, index);
}

void decode(RiscThread& t, uint32_t cb, const uint8_t* src, Tile& out) {
    auto fmt = static_cast<tt::DataFormat>(t.cb(cb).data_format);
    numerics::decode_tile(fmt, src, out);
    // Src registers hold TF32 at most: an fp32 operand loses its low 13 mantissa bits.
    if (engine(t).settings().numerics == NumericsMode::faithful && fmt == tt::DataFormat::Float32)
        for (float& v : out) v = numerics::round_to_tf32(v);
}

void transpose(Tile& x) {
    Tile y;
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c) y[at(c, r)] = x[at(r, c)];
    x = y;
}

void broadcast(Tile& x, uint32_t flags) {
    Tile y;
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c)
            y[at(r, c)] = flags & unpack_bcast_row ? x[at(0, c)] : flags & unpack_bcast_col ? x[at(r, 0)] : x[at(0, 0)];
    x = y;
}

bool faithful(RiscThread& t) { return engine(t).settings().numerics == NumericsMode::faithful; }
bool fp32_dst(RiscThread& t) { return engine(t).settings().fp32_dest_acc || !faithful(t); }
float to_dst(RiscThread& t, float v) { return numerics::round_to_dst(v, fp32_dst(t)); }
int phases(RiscThread& t) { return faithful(t) ? engine(t).settings().fidelity_phases : 4; }

}  // namespace

void compute_api_call() { api_cost(self()); }

// ---- unpack (TRISC0) ------------------------------------------------------------------------------

// Calls that feed an engine charge no TRISC issue cost: the TRISC issues the next instruction while
// its engine runs the previous one, so the issue hides behind the engine's time.
void unpack_tiles(const uint32_t* a, uint32_t na, const uint32_t* b, uint32_t nb, uint32_t flags, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    if ((flags & unpack_copy) && e.copy_transpose) flags |= unpack_transpose;
    // Validate and cost before waiting for a bank, so a misuse is reported where it happens.
    // At most a Dst's worth of tiles (16) per operand in one call.
    std::array<uint8_t, 16> a_fmt, b_fmt;
    if (na > a_fmt.size() || nb > b_fmt.size())
        misuse(t, loc, fmt::format("one unpack of {} SrcA and {} SrcB tiles; at most {} each fit", na, nb, a_fmt.size()));
    for (uint32_t i = 0; i < na; ++i) a_fmt[i] = cb_of(t, a[2 * i], loc).data_format;
    for (uint32_t i = 0; i < nb; ++i) b_fmt[i] = cb_of(t, b[2 * i], loc).data_format;
    Cycle cost = e.unpack_cycles({a_fmt.data(), na}, {b_fmt.data(), nb});
    auto& bank = e.unpack_begin(t);
    bank.hold(na, nb);
    for (uint32_t i = 0; i < na; ++i) {
        const uint8_t* src = front_tile(t, a[2 * i], a[2 * i + 1], loc);
        if (!e.computes()) continue;
        decode(t, a[2 * i], src, bank.a[i]);
        if (flags & unpack_transpose) transpose(bank.a[i]);
        if ((flags >> 4) & 0xF) broadcast(bank.a[i], (flags >> 4) & 0xF);  // unary_bcast
    }
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* src = front_tile(t, b[2 * i], b[2 * i + 1], loc);
        if (!e.computes()) continue;
        decode(t, b[2 * i], src, bank.b[i]);
        if (flags & (unpack_bcast_row | unpack_bcast_col | unpack_bcast_scalar)) broadcast(bank.b[i], flags);
    }
    e.unpack_end(t, cost);
}

void unpack_tilize(uint32_t cb, uint32_t block_tiles, uint32_t tile, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    const LocalCb& c = cb_of(t, cb, loc);
    auto fmt = static_cast<tt::DataFormat>(c.data_format);
    uint32_t datum = tt::datum_size(fmt);
    if (occupied(t, cb) < block_tiles)
        misuse(t, loc, fmt::format("tilize_block of {} tiles but CB {} holds {} pages (cb_wait_front first)",
                                   block_tiles, cb, occupied(t, cb)));
    auto& bank = e.unpack_begin(t);
    bank.hold(1, 0);
    if (e.computes()) {
        // The front of the CB holds 32 rows of block_tiles * 32 datums, row-major.
        Tile row_major;
        uint8_t raw[4096];
        for (uint32_t r = 0; r < 32; ++r)
            std::memcpy(raw + r * 32 * datum,
                        t.core().l1() + fifo_at(c, c.rd_ptr, (r * block_tiles * 32 + tile * 32) * datum), 32 * datum);
        numerics::decode_tile(fmt, raw, row_major);  // same datum encoding, positions row-major
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t col = 0; col < 32; ++col) bank.a[0][at(r, col)] = row_major[r * 32 + col];
    }
    e.unpack_end(t, e.unpack_cycles({&c.data_format, 1}, {}));
}

void unpack_dst_operand(uint32_t cb, uint32_t index, bool into_srca, const Loc& loc) {
    uint32_t sel[2] = {cb, index};
    if (into_srca)
        unpack_tiles(sel, 1, nullptr, 0, 0, loc);
    else
        unpack_tiles(nullptr, 0, sel, 1, 0, loc);
}

// ---- math (TRISC1) -----------------------------------------------------------------------------------

void dst_acquire(const Loc&) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).dst_acquire(t);
}

void dst_commit(const Loc&) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).dst_commit(t);
}

void math_eltwise_acc(bool acc_to_dest) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).eltwise_acc = acc_to_dest;
}

void unpack_copy_transpose(bool transpose) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).copy_transpose = transpose;
}

void kernel_fail(const char* what, const Loc& loc) { misuse(self(), loc, what); }

void math_fpu(uint32_t op, uint32_t idst, uint32_t a, uint32_t b, uint32_t c, uint32_t, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    const ComputeEngineConfig& cfg = e.config();
    auto& bank = e.math_begin(t);
    // Unpack and math run the same call sequence; if they disagree, the kernel's threads diverged.
    size_t need_a = op == op_matmul ? b : (op <= op_mul && a == 1) ? 0 : 1;
    size_t need_b = op == op_matmul ? a : op == op_copy || (op <= op_mul && a == 2) ? 0 : 1;
    if (bank.na < need_a || bank.nb < need_b)
        misuse(t, loc, fmt::format("math expects {} SrcA and {} SrcB tiles but the unpacker provided {} and {} "
                                   "(the TRISCs ran different call sequences)",
                                   need_a, need_b, bank.na, bank.nb));
    bool written = false;
    Cycle cost = 0;
    switch (op) {
        case op_matmul: {
            // a = rt (in0 tiles in SrcB), b = ct (in1 tiles in SrcA); Dst[idst + r*ct + col] += in0[r] x in1[col].
            uint32_t rt = a, ct = b;
            for (uint32_t r = 0; r < rt; ++r)
                for (uint32_t col = 0; col < ct; ++col) {
                    Tile& d = e.dst(t, idst + r * ct + col, written);
                    if (!e.computes()) continue;
                    if (faithful(t))
                        numerics::matmul_tile(bank.b[r], bank.a[col], d, phases(t), fp32_dst(t), false);
                    else
                        numerics::matmul_tile_fp32(bank.b[r], bank.a[col], d, false);
                }
            cost = cfg.fpu_matmul_call_cycles +
                   static_cast<Cycle>(rt) * ct * cfg.fpu_matmul_cycles_per_phase * e.settings().fidelity_phases;
            (void)c;
            break;
        }
        case op_add:
        case op_sub:
        case op_mul: {
            Tile& d = e.dst(t, idst, written);
            if (e.computes()) {
                // Dest reuse: Dst itself is one operand (a = 1: as SrcA, a = 2: as SrcB), moved
                // into a Src register that holds at most TF32.
                Tile dst_copy = d;
                if (faithful(t))
                    for (float& v : dst_copy) v = numerics::round_to_tf32(v);
                const Tile& x = a == 1 ? dst_copy : bank.a[0];
                const Tile& y = a == 2 ? dst_copy : bank.b[0];
                bool acc = e.eltwise_acc && a == 0;
                if (faithful(t)) {
                    auto eop = op == op_add ? numerics::EltwiseOp::add : op == op_sub ? numerics::EltwiseOp::sub
                                                                                        : numerics::EltwiseOp::mul;
                    numerics::eltwise_tile(eop, x, y, d, op == op_mul ? phases(t) : 1, fp32_dst(t), acc);
                } else {
                    for (uint32_t i = 0; i < 1024; ++i) {
                        float r = op == op_add ? x[i] + y[i] : op == op_sub ? x[i] - y[i] : x[i] * y[i];
                        d[i] = acc ? d[i] + r : r;
                    }
                }
            }
            cost = cfg.fpu_eltwise_cycles * (op == op_mul ? e.settings().fidelity_phases : 1);
            break;
        }
        case op_copy: {
            Tile& d = e.dst(t, idst, written);
            if (e.computes())
                for (uint32_t i = 0; i < 1024; ++i) d[i] = to_dst(t, bank.a[0][i]);
            cost = cfg.fpu_datacopy_cycles;
            break;
        }
        case op_reduce_sum:
        case op_reduce_max:
        case op_reduce_min: {
            // a = ReduceDim: ROW keeps column 0, COL keeps row 0, SCALAR keeps (0,0). Reductions
            // accumulate into what Dst already holds (several tiles reduce into one).
            Tile& d = e.dst(t, idst, written);
            if (e.computes()) {
                const Tile& in = bank.a[0];
                float s = bank.b[0][0];
                uint32_t n = a == 2 ? 1 : 32;
                for (uint32_t k = 0; k < n; ++k) {
                    // Sum pools multiply each datum by the scaler (with fidelity) and accumulate; max
                    // and min pick a datum, then scale it.
                    float acc = op == op_reduce_sum ? 0.0f : (op == op_reduce_max ? -INFINITY : INFINITY);
                    for (uint32_t j = 0; j < (a == 2 ? 1024u : 32u); ++j) {
                        float v = a == 2 ? in[j] : a == 0 ? in[at(k, j)] : in[at(j, k)];
                        if (op == op_reduce_sum)
                            acc += faithful(t) ? numerics::fidelity_mul(v, s, phases(t)) : v * s;
                        else
                            acc = op == op_reduce_max ? std::max(acc, v) : std::min(acc, v);
                    }
                    float v = op == op_reduce_sum ? acc : acc * s;
                    float& out = a == 0 ? d[at(k, 0)] : a == 1 ? d[at(0, k)] : d[0];
                    float prev = out;
                    out = to_dst(t, !written ? v
                                   : op == op_reduce_sum ? prev + v
                                   : op == op_reduce_max ? std::max(prev, v) : std::min(prev, v));
                }
            }
            cost = cfg.fpu_reduce_cycles_per_phase * (op == op_reduce_sum ? e.settings().fidelity_phases : 1);
            break;
        }
        default:
            misuse(t, loc, fmt::format("unknown FPU operation {}", op));
    }
    e.math_end(t, cost);
}

namespace {
numerics::SfpuOp sfpu_op(RiscThread& t, const char* name, const Loc& loc) {
    auto op = numerics::parse_sfpu_op(name);
    if (!op) misuse(t, loc, fmt::format("SFPU operation '{}' is not modelled", name));
    return *op;
}
}  // namespace

void math_sfpu(const char* name, uint32_t idst, float scalar, uint32_t param, bool approx, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    numerics::SfpuOp op = sfpu_op(t, name, loc);
    bool written = false;
    Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        numerics::SfpuArgs args;
        args.scalar = scalar;
        args.param = param;
        numerics::sfpu_unary_tile(op, d.data(), args, faithful(t) && approx);
        if (faithful(t))
            for (float& v : d) v = to_dst(t, v);
    }
    Cycle cost = e.sfpu_cycles(op, approx);
    e.run(t, ComputeEngine::Unit::sfpu, cost);
}

void math_sfpu_binary(const char* name, uint32_t idst0, uint32_t idst1, uint32_t odst, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    auto op = numerics::parse_sfpu_binary_op(name);
    if (!op) misuse(t, loc, fmt::format("binary SFPU operation '{}' is not modelled", name));
    bool w0, w1, wo;
    Tile& x = e.dst(t, idst0, w0);
    Tile& y = e.dst(t, idst1, w1);
    Tile& o = e.dst(t, odst, wo);
    if (e.computes())
        for (uint32_t i = 0; i < 1024; ++i) o[i] = to_dst(t, numerics::sfpu_binary(*op, x[i], y[i]));
    Cycle cost = e.sfpu_binary_cycles(*op);
    e.run(t, ComputeEngine::Unit::sfpu, cost);
}

// ---- pack (TRISC2) ---------------------------------------------------------------------------------

void dst_wait(const Loc&) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).dst_wait(t);
}

void dst_release(const Loc&) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).dst_release(t);
}

void pack_l1_acc(bool enable) {
    RiscThread& t = self();
    api_cost(t);
    engine(t).packer_l1_acc = enable;
}

void pack_tile(uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    cb_of(t, cb, loc);
    LocalCb& c = t.cb(cb);
    uint32_t pos = out_of_order ? index : c.wr_tile_ptr;
    uint32_t free = c.num_pages - occupied(t, cb);
    if (pos >= free)
        misuse(t, loc, fmt::format("pack_tile to page {} of CB {}, beyond the {} pages free at its back "
                                   "(cb_reserve_back first)",
                                   pos, cb, free));
    if (!out_of_order) c.wr_tile_ptr++;
    bool written;
    const Tile& d = e.dst(t, idst, written);
    auto fmt = static_cast<tt::DataFormat>(c.data_format);
    uint8_t* dst = t.core().l1() + page_at(c, c.wr_ptr, pos);
    if (e.computes()) {
        auto rounding = faithful(t) ? numerics::Rounding::packer : numerics::Rounding::host;
        if (e.packer_l1_acc) {
            Tile sum;
            numerics::decode_tile(fmt, dst, sum);
            for (uint32_t i = 0; i < 1024; ++i) sum[i] += d[i];
            numerics::encode_tile(fmt, sum, dst, rounding);
        } else {
            numerics::encode_tile(fmt, d, dst, rounding);
        }
    }
    Cycle cost = e.pack_cycles(c.data_format);
    e.run(t, ComputeEngine::Unit::pack, cost);
}

void pack_untilize(uint32_t idst, uint32_t cb, uint32_t row_tiles, uint32_t row, uint32_t col, const Loc& loc) {
    RiscThread& t = self();
    ComputeEngine& e = engine(t);
    const LocalCb& c = cb_of(t, cb, loc);
    auto fmt = static_cast<tt::DataFormat>(c.data_format);
    if (tt::is_block_float(fmt)) misuse(t, loc, fmt::format("untilize into CB {} of block-float format", cb));
    uint32_t datum = tt::datum_size(fmt);
    uint32_t pages = (row + 1) * row_tiles;  // the output block so far, in tile-sized pages
    if (c.num_pages - occupied(t, cb) < std::min(pages, c.num_pages))
        misuse(t, loc, fmt::format("untilize into CB {}: row {} of a {}-tile-wide block needs {} pages, {} are free "
                                   "(cb_reserve_back first)",
                                   cb, row, row_tiles, pages, c.num_pages - occupied(t, cb)));
    bool written;
    const Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        Tile row_major;
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t k = 0; k < 32; ++k) row_major[r * 32 + k] = d[at(r, k)];
        uint8_t raw[4096];
        numerics::encode_tile(fmt, row_major, raw, faithful(t) ? numerics::Rounding::packer : numerics::Rounding::host);
        for (uint32_t r = 0; r < 32; ++r) {
            uint32_t off = ((row * 32 + r) * row_tiles * 32 + col * 32) * datum;
            std::memcpy(t.core().l1() + fifo_at(c, c.wr_ptr, off), raw + r * 32 * datum, 32 * datum);
        }
    }
    Cycle cost = e.pack_cycles(c.data_format);
    e.run(t, ComputeEngine::Unit::pack, cost);
}

}  // namespace tensim::kapi
