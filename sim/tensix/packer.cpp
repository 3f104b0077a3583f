#include "tensix/packer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "common/low_memory.hpp"
#include "numerics/formats.hpp"
#include "tensix/circular_buffer.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

void Packer::reset() {
    m_format = abi::DataFormat::Invalid;
    m_format_site = {};
    m_l1_acc = false;
}

void Packer::configure_format(RiscThread& t, uint32_t cb, const InitSite& site) {
    if (cb >= l1_map::kMaxCbs || !t.cb(cb).configured) return;
    m_format = static_cast<abi::DataFormat>(t.cb(cb).data_format);
    m_format_site = site;
}

abi::DataFormat Packer::format_for(RiscThread& t, uint32_t cb, const char* op,
                                   const SrcLoc& loc) const {
    auto own = static_cast<abi::DataFormat>(t.cb(cb).data_format);
    if (init_check_enabled() && m_format != own)
        init_mismatch(
            t, op, loc,
            fmt::format("the packer writing CB {} in its format {}", cb, format_name(own)),
            m_format_site.set() ? fmt::format("the packer configured for {}", format_name(m_format))
                                : std::string("the packer with no format configured"),
            m_format_site);
    return m_format_site.set() ? m_format : own;
}

void Packer::pack_tile(RiscThread& t, uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order,
                       const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    CircularBuffer c(t, cb, loc);
    LocalCb& lc = c.local();
    uint32_t pos = out_of_order ? index : lc.wr_tile_ptr;
    if (pos >= c.free_pages())
        c.fail(
            fmt::format("pack_tile to page {} of CB {}, beyond the {} pages free at its back "
                        "(cb_reserve_back first)",
                        pos, cb, c.free_pages()));
    const abi::DataFormat fmt = format_for(t, cb, "pack_tile", loc);
    if (!out_of_order) lc.wr_tile_ptr++;
    bool written;
    const numerics::Tile& d = e.dst(t, idst, written);
    uint8_t* dst = t.core().l1() + c.page_at(lc.wr_ptr, pos);
    if (e.computes()) {
        low_memory_writable(dst, numerics::tile_bytes(fmt));  // a known-zero page: no fault
        auto rounding = e.faithful() ? numerics::Rounding::packer : numerics::Rounding::host;
        if (m_l1_acc) {
            numerics::Tile sum;
            numerics::decode_tile(fmt, dst, sum);
            for (uint32_t i = 0; i < 1024; ++i) sum[i] += d[i];
            numerics::encode_tile(fmt, sum, dst, rounding);
        } else {
            numerics::encode_tile(fmt, d, dst, rounding);
        }
    }
    e.run(t, ComputeEngine::Unit::pack, e.pack_cycles(fmt, m_l1_acc));
}

void Packer::pack_untilize(RiscThread& t, uint32_t idst, uint32_t cb, uint32_t row_tiles,
                           uint32_t row, uint32_t col, const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    CircularBuffer c(t, cb, loc);
    const abi::DataFormat fmt = format_for(t, cb, "pack_untilize", loc);
    const uint32_t datum = abi::datum_bytes(fmt);
    if (abi::is_block_float(fmt) || datum == 0)
        c.fail(fmt::format("untilize into CB {} of block-float format", cb));
    uint32_t pages = (row + 1) * row_tiles;  // the output block so far, in tile-sized pages
    if (c.free_pages() < std::min(pages, c.local().num_pages))
        c.fail(fmt::format(
            "untilize into CB {}: row {} of a {}-tile-wide block needs {} pages, {} are free "
            "(cb_reserve_back first)",
            cb, row, row_tiles, pages, c.free_pages()));
    bool written;
    const numerics::Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        numerics::Tile row_major;
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t k = 0; k < 32; ++k)
                row_major[r * 32 + k] = d[numerics::tile_index(int(r), int(k))];
        uint8_t raw[4096];
        numerics::encode_tile(fmt, row_major, raw,
                              e.faithful() ? numerics::Rounding::packer : numerics::Rounding::host);
        const uint32_t wr = c.local().wr_ptr;
        for (uint32_t r = 0; r < 32; ++r) {
            uint32_t off = ((row * 32 + r) * row_tiles * 32 + col * 32) * datum;
            low_memory_write(t.core().l1() + c.fifo_at(wr, off), raw + r * 32 * datum, 32 * datum);
        }
    }
    e.run(t, ComputeEngine::Unit::pack, e.pack_cycles(fmt, m_l1_acc));
}

}  // namespace tensim
