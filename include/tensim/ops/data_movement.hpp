// tensim::ops data-movement and format ops of the LLM layers:
//   typecast          bf16 <-> bfloat8_b / bfloat4_b / float32: tiles through Dst, packed in the
//                     new format (TT-NN's typecast/copy program: reader, copy compute, writer);
//   to_memory_config  any layout to any other: interleaved <-> sharded, reshard, DRAM <-> L1
//                     (TT-NN's sharded_to_interleaved, interleaved_to_sharded, reshard): reader/
//                     writer kernels only; a sharded output is filled by its own cores, which read
//                     each tile from wherever the input keeps it.
#pragma once
#include <cstdint>
#include <string>

#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

struct MovePlan {
    uint32_t num_cores = 0;
    uint32_t tiles_per_core = 0;  // the largest share
    uint32_t block = 0;
    std::string why;
    std::string describe() const;
};

// The tensor in `dtype`, in `mem` (unset: the input's). Throws std::invalid_argument for an
// incomplete or mismatched memory config.
Tensor typecast(const Tensor& x, DType dtype, const std::optional<MemoryConfig>& mem = std::nullopt,
                MovePlan* plan_out = nullptr);
Tensor to_memory_config(const Tensor& x, const MemoryConfig& mem, MovePlan* plan_out = nullptr);
inline Tensor sharded_to_interleaved(const Tensor& x, const MemoryConfig& mem = {},
                                     MovePlan* plan_out = nullptr) {
    return to_memory_config(x, mem, plan_out);
}
inline Tensor interleaved_to_sharded(const Tensor& x, const MemoryConfig& mem,
                                     MovePlan* plan_out = nullptr) {
    return to_memory_config(x, mem, plan_out);
}
inline Tensor reshard(const Tensor& x, const MemoryConfig& mem, MovePlan* plan_out = nullptr) {
    return to_memory_config(x, mem, plan_out);
}

}  // namespace tensim::ops
