// Writer of sdpa_decode (after TT-NN's sdpa_decode/device/kernels/dataflow/writer_decode_all.cpp):
//  - gives the compute kernel its constant tiles: the reduce scaler (ones) into c_5 and, on the
//    core whose share holds cur_pos, the causal mask of that chunk into c_3 (0 up to cur_pos,
//    -inf after). TT-NN fills these with RISC stores into L1; tensim kernels cannot address L1
//    through pointers, so the host writes the 34 possible tiles (ones, and a tile with the first
//    k columns 0 and the rest -inf for k = 0..32) to DRAM and the writer copies the ones it needs;
//  - on a worker core: sends its partial (sum, max, O) into the reducer's c_19 slot and
//    increments the reducer's semaphore;
//  - on a reducer core: waits for its workers, then hands each partial to compute (c_7 sum,
//    c_6 max, c_16 O, local NoC reads), and writes the final output: whole tiles when one KV
//    head owns all the Q heads of the tile (MQA), else only its group's rows (16-datum face
//    lines, as TT-NN's write_partial_tiles_to_memory).
#include <stdint.h>

#include "dataflow_api.h"

void kernel_main() {
    uint32_t rt = 0;
    const uint32_t const_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t out_addr = get_arg_val<uint32_t>(rt++);
    const uint32_t user = get_arg_val<uint32_t>(rt++);
    const uint32_t head0 = get_arg_val<uint32_t>(rt++);
    const uint32_t num_heads = get_arg_val<uint32_t>(rt++);
    const uint32_t DHt = get_arg_val<uint32_t>(rt++);
    const uint32_t Sk = get_arg_val<uint32_t>(rt++);
    const uint32_t has_data = get_arg_val<uint32_t>(rt++);
    const uint32_t mask_tile0 = get_arg_val<uint32_t>(rt++);  // first tile row of the masked chunk
    const uint32_t masked = get_arg_val<uint32_t>(rt++);
    const uint32_t cur_pos = get_arg_val<uint32_t>(rt++);
    const uint32_t is_worker = get_arg_val<uint32_t>(rt++);
    const uint32_t slot = get_arg_val<uint32_t>(rt++);  // worker: its slot in the reducer's c_19
    const uint32_t reducer_x = get_arg_val<uint32_t>(rt++);
    const uint32_t reducer_y = get_arg_val<uint32_t>(rt++);
    const uint32_t sem_addr = get_semaphore(get_arg_val<uint32_t>(rt++));
    const uint32_t num_partials = get_arg_val<uint32_t>(rt++);  // reducer: workers with data
    const uint32_t group_rows = get_arg_val<uint32_t>(rt++);    // Q heads per KV head
    if (!has_data) return;

    constexpr uint32_t cb_mask = 3, cb_scaler = 5, cb_m_in = 6, cb_l_in = 7, cb_out_o = 16,
                       cb_out_m = 17, cb_out_l = 18, cb_intermed = 19, cb_out = 20;
    const uint32_t c_tile = get_tile_size(cb_scaler);
    const InterleavedAddrGenFast<true> consts = {const_addr, c_tile, get_dataformat(cb_scaler)};

    cb_reserve_back(cb_scaler, 1);
    noc_async_read_tile(0, consts, get_write_ptr(cb_scaler));
    if (masked) {
        cb_reserve_back(cb_mask, Sk);
        uint32_t wr = get_write_ptr(cb_mask);
        for (uint32_t j = 0; j < Sk; ++j, wr += c_tile) {
            const int32_t valid = int32_t(cur_pos + 1) - int32_t((mask_tile0 + j) * 32);
            const uint32_t cols = valid < 0 ? 0 : valid > 32 ? 32 : uint32_t(valid);
            noc_async_read_tile(1 + cols, consts, wr);
        }
    }
    noc_async_read_barrier();
    cb_push_back(cb_scaler, 1);
    if (masked) cb_push_back(cb_mask, Sk);

    const uint32_t stat_bytes = get_tile_size(cb_out_l);
    const uint32_t o_bytes = DHt * get_tile_size(cb_out_o);
    const uint32_t slot_bytes = 2 * stat_bytes + o_bytes;
    volatile tt_l1_ptr uint32_t* sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_addr);

    if (is_worker) {
        cb_wait_front(cb_out_o, DHt);
        cb_wait_front(cb_out_m, 1);
        cb_wait_front(cb_out_l, 1);
        uint64_t dst = get_noc_addr(reducer_x, reducer_y, get_write_ptr(cb_intermed)) +
                       uint64_t(slot) * slot_bytes;
        noc_async_write(get_read_ptr(cb_out_l), dst, stat_bytes);
        noc_async_write(get_read_ptr(cb_out_m), dst + stat_bytes, stat_bytes);
        noc_async_write(get_read_ptr(cb_out_o), dst + 2 * stat_bytes, o_bytes);
        noc_async_write_barrier();
        noc_semaphore_inc(get_noc_addr(reducer_x, reducer_y, sem_addr), 1);
        cb_pop_front(cb_out_o, DHt);
        cb_pop_front(cb_out_m, 1);
        cb_pop_front(cb_out_l, 1);
        noc_async_atomic_barrier();
        return;
    }

    if (num_partials > 0) {
        noc_semaphore_wait(sem, num_partials);
        uint64_t src = get_noc_addr(get_read_ptr(cb_intermed));
        for (uint32_t w = 0; w < num_partials; ++w, src += slot_bytes) {
            cb_reserve_back(cb_l_in, 1);
            noc_async_read(src, get_write_ptr(cb_l_in), stat_bytes);
            cb_reserve_back(cb_m_in, 1);
            noc_async_read(src + stat_bytes, get_write_ptr(cb_m_in), stat_bytes);
            cb_reserve_back(cb_out_o, DHt);
            noc_async_read(src + 2 * stat_bytes, get_write_ptr(cb_out_o), o_bytes);
            noc_async_read_barrier();
            cb_push_back(cb_l_in, 1);
            cb_push_back(cb_m_in, 1);
            cb_push_back(cb_out_o, DHt);
        }
    }

    const uint32_t out_tile = get_tile_size(cb_out);
    const InterleavedAddrGenFast<true> out_gen = {out_addr, out_tile, get_dataformat(cb_out)};
    const uint32_t datum = out_tile / 1024;
    const uint32_t line = 16 * datum;  // one face row
    for (uint32_t h = head0; h < head0 + num_heads; ++h) {
        cb_wait_front(cb_out, DHt);
        uint32_t rd = get_read_ptr(cb_out);
        for (uint32_t d = 0; d < DHt; ++d, rd += out_tile) {
            const uint32_t page = user * DHt + d;
            if (group_rows >= 32) {
                noc_async_write_tile(page, out_gen, rd);
                continue;
            }
            for (uint32_t r = h * group_rows; r < (h + 1) * group_rows; ++r) {
                // Row r lives in faces 0/1 (r < 16) or 2/3, one 16-datum line in each.
                const uint32_t off = (r < 16 ? r * line : 512 * datum + (r - 16) * line);
                noc_async_write(rd + off, get_noc_addr(page, out_gen, off), line);
                noc_async_write(rd + off + 256 * datum,
                                get_noc_addr(page, out_gen, off + 256 * datum), line);
            }
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out, DHt);
    }
}
