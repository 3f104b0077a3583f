#include "tensix/unpacker.hpp"

#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "common/error.hpp"
#include "numerics/formats.hpp"
#include "tensix/circular_buffer.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

namespace {

using abi::BroadcastType;
using numerics::Tile;

constexpr uint32_t at(uint32_t r, uint32_t c) {
    return static_cast<uint32_t>(numerics::tile_index(int(r), int(c)));
}

void transpose(Tile& x) {
    Tile y;
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c) y[at(c, r)] = x[at(r, c)];
    x = y;
}

// Row 0 (ROW), column 0 (COL) or element (0,0) (SCALAR) spread over the tile.
void broadcast(Tile& x, BroadcastType b) {
    Tile y;
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c)
            y[at(r, c)] = b == BroadcastType::ROW   ? x[at(0, c)]
                          : b == BroadcastType::COL ? x[at(r, 0)]
                                                    : x[at(0, 0)];
    x = y;
}

const char* bcast_name(BroadcastType b) {
    switch (b) {
        case BroadcastType::NONE:
            return "NONE";
        case BroadcastType::COL:
            return "COL";
        case BroadcastType::ROW:
            return "ROW";
        case BroadcastType::SCALAR:
            return "SCALAR";
    }
    return "?";
}

std::string mode_text(UnpackMode m, int transpose, BroadcastType b) {
    std::string s = fmt::format("unpack mode {}", unpack_mode_name(m));
    if (transpose == 1) s += ", transposed";
    if (transpose == 0) s += ", not transposed";
    if (b != BroadcastType::NONE) s += fmt::format(", broadcast {}", bcast_name(b));
    return s;
}

}  // namespace

const char* unpack_mode_name(UnpackMode m) {
    switch (m) {
        case UnpackMode::none:
            return "none";
        case UnpackMode::unary:
            return "unary (A)";
        case UnpackMode::binary:
            return "binary (AB)";
        case UnpackMode::matmul:
            return "matmul";
        case UnpackMode::reduce:
            return "reduce";
        case UnpackMode::tilize:
            return "tilize";
    }
    return "?";
}

void Unpacker::reset() {
    m_format = {abi::DataFormat::Invalid, abi::DataFormat::Invalid};
    m_format_site = {};
    m_mode = UnpackMode::none;
    m_transpose = false;
    m_bcast = BroadcastType::NONE;
    m_mode_site = {};
}

void Unpacker::configure_format(RiscThread& t, int operand, uint32_t cb, const InitSite& site) {
    if (cb >= l1_map::kMaxCbs || !t.cb(cb).configured) return;
    m_format[operand] = static_cast<abi::DataFormat>(t.cb(cb).data_format);
    m_format_site[operand] = site;
}

void Unpacker::init(UnpackMode mode, bool transpose, BroadcastType bcast, const InitSite& site) {
    m_mode = mode;
    m_transpose = transpose;
    m_bcast = bcast;
    m_mode_site = site;
}

void Unpacker::check_mode(const RiscThread& t, const char* op, const SrcLoc& loc,
                          const Need& need) const {
    if (!init_check_enabled()) return;
    bool ok = m_mode == need.mode && need.bcast == m_bcast &&
              (need.transpose < 0 || need.transpose == int(m_transpose));
    if (!ok)
        init_mismatch(t, op, loc, mode_text(need.mode, need.transpose, need.bcast),
                      mode_text(m_mode, int(m_transpose), m_bcast), m_mode_site);
}

abi::DataFormat Unpacker::format_for(RiscThread& t, int operand, uint32_t cb, const char* op,
                                     const SrcLoc& loc, bool check) const {
    CircularBuffer c(t, cb, loc);
    auto own = static_cast<abi::DataFormat>(c.local().data_format);
    if (check && m_format[operand] != own) format_mismatch(t, operand, cb, own, op, loc);
    // On silicon the unpacker reads the format it was configured for; with none configured since
    // the launch, tensim takes the CB's own (silicon would hold whatever ran before).
    return m_format_site[operand].set() ? m_format[operand] : own;
}

void Unpacker::format_mismatch(RiscThread& t, int operand, uint32_t cb, abi::DataFormat own,
                               const char* op, const SrcLoc& loc) const {
    const abi::DataFormat configured = m_format[operand];
    init_mismatch(
        t, op, loc,
        fmt::format("Src{} reading CB {} in its format {}", operand ? 'B' : 'A', cb,
                    format_name(own)),
        m_format_site[operand].set()
            ? fmt::format("Src{} configured for {}", operand ? 'B' : 'A', format_name(configured))
            : fmt::format("Src{} with no format configured", operand ? 'B' : 'A'),
        m_format_site[operand]);
}

// Calls that feed an engine charge no TRISC issue cost: the TRISC issues the next instruction while
// its engine runs the previous one, so the issue hides behind the engine's time.
void Unpacker::fill(RiscThread& t, std::span<const CbTile> a, std::span<const CbTile> b,
                    const char* op, const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    // Validate and cost before waiting for a bank, so a misuse is reported where it happens.
    // At most a Dst's worth of tiles (16) per operand in one call.
    std::array<abi::DataFormat, 16> a_fmt, b_fmt;
    if (a.size() > a_fmt.size() || b.size() > b_fmt.size())
        throw KernelError(
            fmt::format("{}: one unpack of {} SrcA and {} SrcB tiles; at most {} each fit",
                        t.where(loc.file_name(), loc.line()), a.size(), b.size(), a_fmt.size()));
    const bool check = init_check_enabled();
    auto formats = [&](int operand, std::span<const CbTile> tiles, auto& out) {
        for (size_t i = 0; i < tiles.size(); ++i)
            // A block's tiles come from one CB: the format (and its check) is the previous one's.
            out[i] = i && tiles[i].cb == tiles[i - 1].cb
                         ? out[i - 1]
                         : format_for(t, operand, tiles[i].cb, op, loc, check);
    };
    formats(0, a, a_fmt);
    formats(1, b, b_fmt);
    Cycle cost = e.unpack_cycles({a_fmt.data(), a.size()}, {b_fmt.data(), b.size()});
    auto& bank = e.unpack_begin(t);
    bank.hold(static_cast<uint32_t>(a.size()), static_cast<uint32_t>(b.size()));
    // The broadcast applies to SrcA in unary mode (unary_bcast), to SrcB otherwise.
    const bool bcast_a = m_mode == UnpackMode::unary;
    // Each tile must be at its CB's front, checked in every mode; the bank's tiles exist only when
    // values are computed (timing numerics keeps none, so `tiles[i]` is not formed there).
    // A matmul's bf16 operands, neither transposed nor broadcast, go to the MathWorker's job as
    // they are in L1 (2 KiB a tile): the job decodes them off the simulation thread. Inline tile
    // math (no worker) decodes here, as copying first would only add work.
    const bool raw_ok = m_mode == UnpackMode::matmul && e.computes() && e.math_worker();
    auto load = [&](std::span<const CbTile> xs, const auto& fmts, auto& tiles, bool srca) {
        bool& raw = srca ? bank.raw_a : bank.raw_b;
        raw =
            raw_ok && !(srca && m_transpose) && (srca != bcast_a || m_bcast == BroadcastType::NONE);
        for (size_t i = 0; raw && i < xs.size(); ++i) raw = fmts[i] == abi::DataFormat::Float16_b;
        std::vector<RawBf16Tile>& raw_tiles = srca ? bank.raw_a_tiles : bank.raw_b_tiles;
        if (raw && raw_tiles.size() < xs.size()) raw_tiles.resize(xs.size());
        std::optional<CircularBuffer> c;  // the CB of the tiles before, usually all of them
        for (size_t i = 0; i < xs.size(); ++i) {
            if (!c || c->index() != xs[i].cb) c.emplace(t, xs[i].cb, loc);
            c->check_front(xs[i].index);
            if (!e.computes()) continue;
            if (raw) {
                std::memcpy(raw_tiles[i].data(),
                            t.core().l1() + c->page_at(c->local().rd_ptr, xs[i].index),
                            sizeof(RawBf16Tile));
                continue;
            }
            Tile& out = tiles[i];
            const abi::DataFormat f = fmts[i];
            numerics::decode_tile(f, t.core().l1() + c->page_at(c->local().rd_ptr, xs[i].index),
                                  out);
            // Src registers hold TF32 at most: an fp32 operand loses its low 13 mantissa bits.
            if (e.faithful() && f == abi::DataFormat::Float32)
                for (float& v : out) v = numerics::round_to_tf32(v);
            if (srca && m_transpose) transpose(out);
            if (srca == bcast_a && m_bcast != BroadcastType::NONE) broadcast(out, m_bcast);
        }
    };
    load(a, a_fmt, bank.a, true);
    load(b, b_fmt, bank.b, false);
    e.unpack_end(t, cost);
}

void Unpacker::unary(RiscThread& t, CbTile a, const char* op, bool need_transpose,
                     BroadcastType bcast, const SrcLoc& loc) {
    check_mode(t, op, loc, {UnpackMode::unary, need_transpose ? 1 : -1, bcast});
    fill(t, {&a, 1}, {}, op, loc);
}

void Unpacker::binary(RiscThread& t, CbTile a, CbTile b, BroadcastType bcast, const char* op,
                      const SrcLoc& loc) {
    check_mode(t, op, loc, {UnpackMode::binary, -1, bcast});
    fill(t, {&a, 1}, {&b, 1}, op, loc);
}

void Unpacker::dest_reuse(RiscThread& t, CbTile x, bool into_srca, const SrcLoc& loc) {
    const char* op = "binary_dest_reuse_tiles";
    check_mode(t, op, loc, {UnpackMode::unary, -1, BroadcastType::NONE});
    if (into_srca)
        fill(t, {&x, 1}, {}, op, loc);
    else
        fill(t, {}, {&x, 1}, op, loc);
}

void Unpacker::matmul(RiscThread& t, std::span<const CbTile> in1, std::span<const CbTile> in0,
                      bool transpose, const char* op, const SrcLoc& loc) {
    // The transpose is the init's (llk_unpack_AB_matmul_init); the op's argument, where the API
    // still has one, only asks the check to confirm that the init set it.
    check_mode(t, op, loc, {UnpackMode::matmul, transpose ? 1 : -1, BroadcastType::NONE});
    fill(t, in1, in0, op, loc);
}

void Unpacker::reduce(RiscThread& t, CbTile a, CbTile scaler, const SrcLoc& loc) {
    check_mode(t, "reduce_tile", loc, {UnpackMode::reduce, -1, BroadcastType::NONE});
    fill(t, {&a, 1}, {&scaler, 1}, "reduce_tile", loc);
}

void Unpacker::tilize(RiscThread& t, uint32_t cb, uint32_t block_tiles, uint32_t tile,
                      const SrcLoc& loc) {
    const char* op = "tilize_block";
    ComputeEngine& e = m_engine;
    check_mode(t, op, loc, {UnpackMode::tilize, -1, BroadcastType::NONE});
    CircularBuffer c(t, cb, loc);
    const abi::DataFormat fmt = format_for(t, 0, cb, op, loc, init_check_enabled());
    const uint32_t datum = abi::datum_bytes(fmt);
    if (datum == 0)
        c.fail(fmt::format("tilize_block of CB {} in {}, which has no whole-byte datum", cb,
                           format_name(fmt)));
    if (c.occupied() < block_tiles)
        c.fail(
            fmt::format("tilize_block of {} tiles but CB {} holds {} pages (cb_wait_front first)",
                        block_tiles, cb, c.occupied()));
    auto& bank = e.unpack_begin(t);
    bank.hold(1, 0);
    if (e.computes()) {
        // The front of the CB holds 32 rows of block_tiles * 32 datums, row-major.
        Tile row_major;
        uint8_t raw[4096];
        const uint32_t rd = c.local().rd_ptr;
        for (uint32_t r = 0; r < 32; ++r)
            std::memcpy(raw + r * 32 * datum,
                        t.core().l1() + c.fifo_at(rd, (r * block_tiles * 32 + tile * 32) * datum),
                        32 * datum);
        numerics::decode_tile(fmt, raw, row_major);  // same datum encoding, positions row-major
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t col = 0; col < 32; ++col) bank.a[0][at(r, col)] = row_major[r * 32 + col];
    }
    e.unpack_end(t, e.unpack_cycles({&fmt, 1}, {}));
}

}  // namespace tensim
