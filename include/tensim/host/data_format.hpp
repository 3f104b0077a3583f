// Tile data formats, math fidelity and the unpack-to-dest mode, with their byte sizes.
// Mirrors TT-Metalium's <tt-metalium/tt_backend_api_types.hpp> (tt::DataFormat, tile_size,
// datum_size) and <tt-metalium/base_types.hpp> (MathFidelity, UnpackToDestMode).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "tensim/kernel_api/tensim_abi.h"

namespace tt {

// DataFormat and MathFidelity are the kernel ABI's (tensim/kernel_api/tensim_abi.h): host and
// kernels share one type.

// Bytes of one 32x32 tile; block-float formats include their 64 shared-exponent bytes.
// Throws std::invalid_argument for Tf32 (no L1 storage format) and Invalid.
uint32_t tile_size(DataFormat format);

// Bytes of one element. Throws std::invalid_argument for block-float formats, whose
// elements are not whole bytes, and for Tf32/Invalid.
uint32_t datum_size(DataFormat format);

bool is_block_float(DataFormat format);

std::ostream& operator<<(std::ostream& os, DataFormat format);

}  // namespace tt

namespace tt::tt_metal::detail {
// Older spelling of tt::tile_size.
uint32_t TileSize(tt::DataFormat format);
}  // namespace tt::tt_metal::detail

enum class UnpackToDestMode : uint8_t {
    UnpackToDestFp32,
    Default,
};

std::ostream& operator<<(std::ostream& os, MathFidelity fidelity);

namespace tensim {

// Enumerator spelling, e.g. "Float16_b".
std::string data_format_name(tt::DataFormat format);

// Case-insensitive. Accepts enumerator names ("Float16_b", "Bfp8_b", optionally prefixed with
// "DataFormat::" or "tt::DataFormat::") and TTNN-style aliases ("bfloat16", "bfloat8_b",
// "bfloat4_b", "float32", "uint32", ...). Throws std::invalid_argument naming the bad string.
tt::DataFormat parse_data_format(std::string_view name);

}  // namespace tensim
