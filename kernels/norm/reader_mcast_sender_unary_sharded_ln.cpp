// Reader of the sharded norm program, after TT-NN's reader_mcast_sender_unary_sharded_ln.cpp
// (core 0, SENDER defined) and reader_mcast_receiver_unary_sharded_ln.cpp (every other core).
// Per statistic (rounds: 2 for LayerNorm, 1 for RMSNorm), with four semaphores:
//   1. each core waits for its compute's partials (c_8); receivers increment the sender's
//      `partial` semaphore, the sender waits for all of them and multicasts VALID into `go`;
//   2. the all-gather workers (the first cores; the sender is one) gather the partials of the
//      rows they own from every core into c_9 (NoC reads of each core's c_8, which sits at the
//      same L1 address everywhere), wait for their compute's combined rows (c_11) and increment
//      the sender's `done`;
//   3. the sender gathers the workers' c_11 rows into its c_12, multicasts them into every
//      core's c_12 and multicasts VALID into `global`; receivers wait for it.
// The partials and combined rows are released only after `global` (everyone has read them).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t a = 0;
    const uint32_t rounds = get_arg_val<uint32_t>(a++);
    const uint32_t block_h = get_arg_val<uint32_t>(a++);
    const uint32_t num_cores = get_arg_val<uint32_t>(a++);
    const uint32_t sender_x = get_arg_val<uint32_t>(a++);
    const uint32_t sender_y = get_arg_val<uint32_t>(a++);
    const uint32_t mcast_x0 = get_arg_val<uint32_t>(a++);
    const uint32_t mcast_y0 = get_arg_val<uint32_t>(a++);
    const uint32_t mcast_x1 = get_arg_val<uint32_t>(a++);
    const uint32_t mcast_y1 = get_arg_val<uint32_t>(a++);
    const uint32_t sem_partial = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t sem_go = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t sem_done = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t sem_global = get_semaphore(get_arg_val<uint32_t>(a++));
    const uint32_t worker_row0 = get_arg_val<uint32_t>(a++);
    const uint32_t worker_rows = get_arg_val<uint32_t>(a++);  // 0: not a worker
    const uint32_t num_workers = get_arg_val<uint32_t>(a++);
    const uint32_t rows_per_worker = get_arg_val<uint32_t>(a++);
    const uint32_t shard_tiles = get_arg_val<uint32_t>(a++);
    const uint32_t cores_xy = a;  // num_cores (x, y) NoC pairs; the workers are the first ones

    constexpr uint32_t cb_ex_partial = 8, cb_ex_external = 9, cb_ex2pe = 11, cb_ex_global = 12;
    const uint32_t tile_bytes = get_tile_size(cb_ex_partial);
    volatile tt_l1_ptr uint32_t* go = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_go);
    volatile tt_l1_ptr uint32_t* global =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_global);
    const uint64_t sender_partial = get_noc_addr(sender_x, sender_y, sem_partial);
    const uint64_t sender_done = get_noc_addr(sender_x, sender_y, sem_done);

    // The input shard is c_0 itself: announce it.
    cb_reserve_back(0, shard_tiles);
    cb_push_back(0, shard_tiles);
    for (uint32_t round = 0; round < rounds; ++round) {
        cb_wait_front(cb_ex_partial, block_h);
#ifdef SENDER
        volatile tt_l1_ptr uint32_t* partial =
            reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_partial);
        volatile tt_l1_ptr uint32_t* done =
            reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_done);
        noc_semaphore_wait(partial, num_cores - 1);
        noc_semaphore_set(partial, 0);
        *go = VALID;
        if (num_cores > 1)
            noc_semaphore_set_multicast(
                sem_go, get_noc_multicast_addr(mcast_x0, mcast_y0, mcast_x1, mcast_y1, sem_go),
                num_cores - 1);
#else
        noc_semaphore_inc(sender_partial, 1);
#endif
        if (worker_rows) {
            noc_semaphore_wait(go, VALID);
            noc_semaphore_set(go, INVALID);
            const uint32_t partial_l1 = get_read_ptr(cb_ex_partial);
            for (uint32_t r = worker_row0; r < worker_row0 + worker_rows; ++r) {
                cb_reserve_back(cb_ex_external, num_cores);
                uint32_t l1 = get_write_ptr(cb_ex_external);
                for (uint32_t c = 0; c < num_cores; ++c) {
                    const uint32_t x = get_arg_val<uint32_t>(cores_xy + 2 * c);
                    const uint32_t y = get_arg_val<uint32_t>(cores_xy + 2 * c + 1);
                    noc_async_read(get_noc_addr(x, y, partial_l1 + r * tile_bytes), l1, tile_bytes);
                    l1 += tile_bytes;
                }
                noc_async_read_barrier();
                cb_push_back(cb_ex_external, num_cores);
            }
            cb_wait_front(cb_ex2pe, worker_rows);
#ifndef SENDER
            noc_semaphore_inc(sender_done, 1);
#endif
        }
        cb_reserve_back(cb_ex_global, block_h);
#ifdef SENDER
        noc_semaphore_wait(done, num_workers - 1);
        noc_semaphore_set(done, 0);
        const uint32_t global_l1 = get_write_ptr(cb_ex_global);
        const uint32_t result_l1 = get_read_ptr(cb_ex2pe);
        for (uint32_t w = 0; w < num_workers; ++w) {
            const uint32_t x = get_arg_val<uint32_t>(cores_xy + 2 * w);
            const uint32_t y = get_arg_val<uint32_t>(cores_xy + 2 * w + 1);
            const uint32_t r0 = w * rows_per_worker;
            const uint32_t n = block_h - r0 < rows_per_worker ? block_h - r0 : rows_per_worker;
            noc_async_read(get_noc_addr(x, y, result_l1), global_l1 + r0 * tile_bytes,
                           n * tile_bytes);
        }
        noc_async_read_barrier();
        if (num_cores > 1) {
            noc_async_write_multicast(
                global_l1,
                get_noc_multicast_addr(mcast_x0, mcast_y0, mcast_x1, mcast_y1, global_l1),
                block_h * tile_bytes, num_cores - 1);
            *global = VALID;
            noc_semaphore_set_multicast(
                sem_global,
                get_noc_multicast_addr(mcast_x0, mcast_y0, mcast_x1, mcast_y1, sem_global),
                num_cores - 1);
            noc_async_write_barrier();
        }
#else
        noc_semaphore_wait(global, VALID);
        noc_semaphore_set(global, INVALID);
#endif
        cb_push_back(cb_ex_global, block_h);
        if (worker_rows) cb_pop_front(cb_ex2pe, worker_rows);
        cb_pop_front(cb_ex_partial, block_h);
    }
}
