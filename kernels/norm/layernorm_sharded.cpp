// Compute kernel of the sharded (decode) norm program, after TT-NN's
// normalization/layernorm/device/kernels/compute/layernorm_sharded.cpp ("split reduce across
// cores"; RMSNorm with RMSNORM defined). Every core holds a block_h x block_w shard of the
// width-sharded input (c_0 is the shard itself).
//
// Per statistic (LayerNorm: the mean, then the variance; RMSNorm: the mean square):
//   partial  per tile row, the row sums of this shard's tiles (x for the mean, (x - mean)^2 or x^2
//            for the second) times 1/W -> c_8 (one tile per row), read by the combining cores;
//   combine  (all-gather workers only) per row they own, the num_cores partials the reader
//            gathered into c_9 reduced to one tile (scaler 1); for the second statistic
//            rsqrt(. + eps) -> c_11, from which the first core gathers and multicasts;
//   global   the combined rows arrive in c_12 (the reader multicasts or receives them).
// Then y = (x [- mean]) * rinv (column broadcast) [* gamma] [+ beta] (row broadcast) -> c_16.
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

constexpr uint32_t cb_in = tt::CBIndex::c_0;
constexpr uint32_t cb_scaler = tt::CBIndex::c_1;
constexpr uint32_t cb_eps = tt::CBIndex::c_2;
constexpr uint32_t cb_gamma = tt::CBIndex::c_3;
constexpr uint32_t cb_beta = tt::CBIndex::c_4;
constexpr uint32_t cb_scaler_global = tt::CBIndex::c_5;
constexpr uint32_t cb_ex_partial = tt::CBIndex::c_8;
constexpr uint32_t cb_ex_external = tt::CBIndex::c_9;
constexpr uint32_t cb_ex2 = tt::CBIndex::c_10;
constexpr uint32_t cb_ex2pe = tt::CBIndex::c_11;
constexpr uint32_t cb_ex_global = tt::CBIndex::c_12;
constexpr uint32_t cb_out = tt::CBIndex::c_16;
constexpr uint32_t cb_x2 = tt::CBIndex::c_24;
constexpr uint32_t cb_xmm = tt::CBIndex::c_25;
constexpr uint32_t cb_im = tt::CBIndex::c_26;
constexpr uint32_t cb_im2 = tt::CBIndex::c_27;

constexpr uint32_t block_h = get_compile_time_arg_val(0);
constexpr uint32_t block_w = get_compile_time_arg_val(1);
constexpr uint32_t subblock_w = get_compile_time_arg_val(2);
constexpr bool do_gamma = get_compile_time_arg_val(3) == 1;
constexpr bool do_beta = get_compile_time_arg_val(4) == 1;
constexpr uint32_t num_cores = get_compile_time_arg_val(5);  // partials per row

// n tiles of cb_a from a0 op tile b0 of cb_b (broadcast) -> cb_dst, subblock by subblock.
template <EltwiseBinaryType op, BroadcastType dim>
ALWI void bcast_tiles(uint32_t cb_a, uint32_t a0, uint32_t cb_b, uint32_t b0, uint32_t cb_dst) {
    reconfig_data_format(cb_a, cb_b);
    pack_reconfig_data_format(cb_dst);
    init_bcast<op, dim>(cb_a, cb_b, cb_dst);
    for (uint32_t s = 0; s < block_w; s += subblock_w) {
        tile_regs_acquire();
        for (uint32_t i = 0; i < subblock_w; ++i)
            any_tiles_bcast<op, dim>(cb_a, cb_b, a0 + s + i, dim == BroadcastType::ROW ? s + i : b0,
                                     i);
        tile_regs_commit();
        tile_regs_wait();
        for (uint32_t i = 0; i < subblock_w; ++i) pack_tile(i, cb_dst);
        tile_regs_release();
    }
}

// Row h's partial: the row sums of n tiles of cb_src from t0, times the 1/W scaler ->
// cb_ex_partial.
ALWI void partial(uint32_t cb_src, uint32_t t0) {
    reconfig_data_format(cb_src, cb_scaler);
    pack_reconfig_data_format(cb_ex_partial);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_src, cb_scaler, cb_ex_partial);
    tile_regs_acquire();
    for (uint32_t i = 0; i < block_w; ++i)
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_src, cb_scaler, t0 + i, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    pack_tile(0, cb_ex_partial);
    tile_regs_release();
    reduce_uninit();
}

// The combining step of an all-gather worker: num_cores partials per row it owns -> cb_ex2pe.
ALWI void combine(uint32_t rows, bool inverse_root) {
    const uint32_t cb_sum = inverse_root ? cb_ex2 : cb_ex2pe;
    for (uint32_t r = 0; r < rows; ++r) {
        cb_wait_front(cb_ex_external, num_cores);
        reconfig_data_format(cb_ex_external, cb_scaler_global);
        pack_reconfig_data_format(cb_sum);
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_ex_external, cb_scaler_global, cb_sum);
        tile_regs_acquire();
        for (uint32_t c = 0; c < num_cores; ++c)
            reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_ex_external, cb_scaler_global, c,
                                                              0, 0);
        tile_regs_commit();
        cb_reserve_back(cb_sum, 1);
        tile_regs_wait();
        pack_tile(0, cb_sum);
        tile_regs_release();
        cb_push_back(cb_sum, 1);
        reduce_uninit();
        cb_pop_front(cb_ex_external, num_cores);
        if (!inverse_root) continue;
        // 1 / sqrt(E + eps)
        cb_wait_front(cb_ex2, 1);
        reconfig_data_format(cb_ex2, cb_eps);
        pack_reconfig_data_format(cb_ex2pe);
        add_tiles_init(cb_ex2, cb_eps);
        tile_regs_acquire();
        add_tiles(cb_ex2, cb_eps, 0, 0, 0);
        rsqrt_tile_init();
        rsqrt_tile(0);
        tile_regs_commit();
        cb_reserve_back(cb_ex2pe, 1);
        tile_regs_wait();
        pack_tile(0, cb_ex2pe);
        tile_regs_release();
        cb_push_back(cb_ex2pe, 1);
        cb_pop_front(cb_ex2, 1);
    }
}

void kernel_main() {
    const uint32_t worker_rows = get_arg_val<uint32_t>(0);  // 0: not an all-gather worker
    constexpr uint32_t shard_tiles = block_h * block_w;
    binary_op_init_common(cb_in, cb_in, cb_out);
    cb_wait_front(cb_scaler, 1);
    cb_wait_front(cb_scaler_global, 1);
    cb_wait_front(cb_eps, 1);
    cb_wait_front(cb_in, shard_tiles);  // the shard: already in place

#ifndef RMSNORM
    // E[x]: partials straight from the shard.
    cb_reserve_back(cb_ex_partial, block_h);
    for (uint32_t h = 0; h < block_h; ++h) partial(cb_in, h * block_w);
    cb_push_back(cb_ex_partial, block_h);
    if (worker_rows) combine(worker_rows, false);
    // x - E[x] -> cb_xmm
    cb_wait_front(cb_ex_global, block_h);
    cb_reserve_back(cb_xmm, shard_tiles);
    for (uint32_t h = 0; h < block_h; ++h)
        bcast_tiles<ELWSUB, BroadcastType::COL>(cb_in, h * block_w, cb_ex_global, h, cb_xmm);
    cb_push_back(cb_xmm, shard_tiles);
    cb_pop_front(cb_ex_global, block_h);
    constexpr uint32_t cb_x = cb_xmm;
    cb_wait_front(cb_xmm, shard_tiles);
#else
    constexpr uint32_t cb_x = cb_in;
#endif
    // E[x^2] (or E[(x - mean)^2]): squares a row at a time, then the row's partial.
    cb_reserve_back(cb_ex_partial, block_h);
    for (uint32_t h = 0; h < block_h; ++h) {
        reconfig_data_format(cb_x, cb_x);
        pack_reconfig_data_format(cb_x2);
        mul_tiles_init(cb_x, cb_x);
        cb_reserve_back(cb_x2, block_w);
        for (uint32_t s = 0; s < block_w; s += subblock_w) {
            tile_regs_acquire();
            for (uint32_t i = 0; i < subblock_w; ++i) {
                const uint32_t t = h * block_w + s + i;
                mul_tiles(cb_x, cb_x, t, t, i);
            }
            tile_regs_commit();
            tile_regs_wait();
            for (uint32_t i = 0; i < subblock_w; ++i) pack_tile(i, cb_x2);
            tile_regs_release();
        }
        cb_push_back(cb_x2, block_w);
        cb_wait_front(cb_x2, block_w);
        partial(cb_x2, 0);
        cb_pop_front(cb_x2, block_w);
    }
    cb_push_back(cb_ex_partial, block_h);
    if (worker_rows) combine(worker_rows, true);

    // y = x * rinv [* gamma] [+ beta]
    cb_wait_front(cb_ex_global, block_h);
    if constexpr (do_gamma) cb_wait_front(cb_gamma, block_w);
    if constexpr (do_beta) cb_wait_front(cb_beta, block_w);
    constexpr uint32_t cb_scaled = do_gamma ? cb_im : (do_beta ? cb_im2 : cb_out);
    cb_reserve_back(cb_out, shard_tiles);
    for (uint32_t h = 0; h < block_h; ++h) {
        if constexpr (cb_scaled != cb_out) cb_reserve_back(cb_scaled, block_w);
        bcast_tiles<ELWMUL, BroadcastType::COL>(cb_x, h * block_w, cb_ex_global, h, cb_scaled);
        if constexpr (cb_scaled != cb_out) {
            cb_push_back(cb_scaled, block_w);
            cb_wait_front(cb_scaled, block_w);
        }
        if constexpr (do_gamma) {
            constexpr uint32_t cb_g = do_beta ? cb_im2 : cb_out;
            if constexpr (cb_g != cb_out) cb_reserve_back(cb_g, block_w);
            bcast_tiles<ELWMUL, BroadcastType::ROW>(cb_im, 0, cb_gamma, 0, cb_g);
            cb_pop_front(cb_im, block_w);
            if constexpr (cb_g != cb_out) {
                cb_push_back(cb_g, block_w);
                cb_wait_front(cb_g, block_w);
            }
        }
        if constexpr (do_beta) {
            bcast_tiles<ELWADD, BroadcastType::ROW>(cb_im2, 0, cb_beta, 0, cb_out);
            cb_pop_front(cb_im2, block_w);
        }
    }
    cb_push_back(cb_out, shard_tiles);
    cb_pop_front(cb_ex_global, block_h);
#ifndef RMSNORM
    cb_pop_front(cb_xmm, shard_tiles);
#endif
    cb_pop_front(cb_in, shard_tiles);
}
