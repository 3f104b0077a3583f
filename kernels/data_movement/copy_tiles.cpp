// Reader/writer of to_memory_config (TT-NN's reshard / interleaved_to_sharded /
// sharded_to_interleaved readers): this core's output tiles, each read from where the input keeps
// it. Tiles are counted in the [rows, cols] page grid. OUT_SHARDED: the core fills its own shard
// (a rows x cols rectangle of pages from (r0, c0)), reading each tile straight into place;
// otherwise it copies tiles [start, start + n) of the interleaved output through CB c_0's space, 8
// at a time. SRC_SHARDED: the input's shard shape and its cores' NoC (x, y) in shard order come as
// args.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t a = 0;
    const uint32_t src_addr = get_arg_val<uint32_t>(a++);
    const uint32_t dst_addr = get_arg_val<uint32_t>(a++);
    const uint32_t page_cols = get_arg_val<uint32_t>(a++);  // tile columns of the tensor
    const uint32_t page_rows = get_arg_val<uint32_t>(a++);
    const uint32_t r0 = get_arg_val<uint32_t>(a++);      // OUT_SHARDED: the shard's origin
    const uint32_t c0 = get_arg_val<uint32_t>(a++);      //   (else: start tile, count)
    const uint32_t out_sh = get_arg_val<uint32_t>(a++);  // OUT_SHARDED: shard shape
    const uint32_t out_sw = get_arg_val<uint32_t>(a++);
    const uint32_t src_sh = get_arg_val<uint32_t>(a++);  // SRC_SHARDED: shard shape
    const uint32_t src_sw = get_arg_val<uint32_t>(a++);
    const uint32_t src_xy = a;
    constexpr bool src_dram = get_compile_time_arg_val(0) == 1;
    constexpr bool dst_dram = get_compile_time_arg_val(1) == 1;
    constexpr uint32_t cb = 0;
    const uint32_t tile_bytes = get_tile_size(cb);
    const InterleavedAddrGenFast<src_dram> src = {
        .bank_base_address = src_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb)};
    auto src_noc = [&](uint32_t r, uint32_t c) -> uint64_t {
#ifdef SRC_SHARDED
        const uint32_t per_row = (page_cols + src_sw - 1) / src_sw;
        const uint32_t shard = (r / src_sh) * per_row + c / src_sw;
        const uint32_t off = ((r % src_sh) * src_sw + c % src_sw) * tile_bytes;
        return get_noc_addr(get_arg_val<uint32_t>(src_xy + 2 * shard),
                            get_arg_val<uint32_t>(src_xy + 2 * shard + 1), src_addr + off);
#else
        return get_noc_addr(r * page_cols + c, src);
#endif
    };
#ifdef OUT_SHARDED
    for (uint32_t r = r0; r < r0 + out_sh && r < page_rows; ++r)
        for (uint32_t c = c0; c < c0 + out_sw && c < page_cols; ++c)
            noc_async_read(src_noc(r, c), dst_addr + ((r - r0) * out_sw + (c - c0)) * tile_bytes,
                           tile_bytes);
    noc_async_read_barrier();
#else
    const InterleavedAddrGenFast<dst_dram> dst = {
        .bank_base_address = dst_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb)};
    // Blocks of up to 8 tiles through the CB's space: read them all, then write them all.
    const uint32_t l1 = get_write_ptr(cb);
    for (uint32_t id = r0; id < r0 + c0; id += 8) {
        const uint32_t n = r0 + c0 - id < 8 ? r0 + c0 - id : 8;
        for (uint32_t i = 0; i < n; ++i)
            noc_async_read(src_noc((id + i) / page_cols, (id + i) % page_cols), l1 + i * tile_bytes,
                           tile_bytes);
        noc_async_read_barrier();
        for (uint32_t i = 0; i < n; ++i) noc_async_write_tile(id + i, dst, l1 + i * tile_bytes);
        noc_async_write_barrier();
    }
#endif
}
