// Brings all of in1 (Kt x Nt tiles) into CB c_1 once, then one row of in0 (Kt tiles) into c_0 per
// output row, so every tile read from DRAM is used Nt (in0) or Mt (in1) times.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t src0_addr = get_arg_val<uint32_t>(0);
    uint32_t src1_addr = get_arg_val<uint32_t>(1);
    constexpr uint32_t Mt = get_compile_time_arg_val(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(1);
    constexpr uint32_t Nt = get_compile_time_arg_val(2);
    constexpr auto in0_args = TensorAccessorArgs<3>();
    constexpr auto in1_args = TensorAccessorArgs<in0_args.next_compile_time_args_offset()>();

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    const auto in0 = TensorAccessor(in0_args, src0_addr, get_tile_size(cb_in0));
    const auto in1 = TensorAccessor(in1_args, src1_addr, get_tile_size(cb_in1));

    cb_reserve_back(cb_in1, Kt * Nt);
    uint32_t l1 = get_write_ptr(cb_in1);
    for (uint32_t t = 0; t < Kt * Nt; ++t, l1 += get_tile_size(cb_in1))
        noc_async_read_page(t, in1, l1);
    noc_async_read_barrier();
    cb_push_back(cb_in1, Kt * Nt);

    for (uint32_t mt = 0; mt < Mt; ++mt) {
        cb_reserve_back(cb_in0, Kt);
        l1 = get_write_ptr(cb_in0);
        for (uint32_t kt = 0; kt < Kt; ++kt, l1 += get_tile_size(cb_in0))
            noc_async_read_page(mt * Kt + kt, in0, l1);
        noc_async_read_barrier();
        cb_push_back(cb_in0, Kt);
    }
}
