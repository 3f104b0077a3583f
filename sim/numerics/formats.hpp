// Models the numeric content of Tensix data formats: how a 32x32 tile of floats is stored in L1
// for each tt::DataFormat (float, bf16, fp16, block float, raw integers) and how values round on
// the way in (host tilizer or packer rules). Abstracts away the unpack/pack datapaths and their
// timing. Numbers: wormhole_params.md section 7, metalium_api.md section 5, docs/numerics.md.
#pragma once
#include <array>
#include <cstdint>

#include "tensim/kernel_api/tensim_abi.h"

namespace tensim::numerics {

// One 32x32 tile in tile order (the L1 order): four 16x16 faces f0..f3 (top-left, top-right,
// bottom-left, bottom-right), each row-major. Element (r, c) is at tile_index(r, c).
using Tile = std::array<float, 1024>;

constexpr int tile_index(int r, int c) {
    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
}

// --- scalar roundings ---------------------------------------------------------------------------

// Round-to-nearest-even to the top 16 bits of the fp32 pattern. Overflow gives infinity; a NaN
// stays a NaN with the quiet bit set.
uint16_t bf16_rne(float x);
float bf16_to_float(uint16_t bits);
float round_to_bf16(float x);
// TF32 (e8m10, the Src register datum): keeps 10 mantissa bits, round-to-nearest-even.
float round_to_tf32(float x);
// FP16 (e5m10, bias 15), round-to-nearest-even. Finite range only: overflow and +-inf saturate to
// +-65504 (the ISA's FP16 has no NaN/inf encoding a packer would produce); results below 2^-14
// flush to signed zero (Tensix flushes denormals). A NaN input stays NaN so bugs stay visible.
float round_to_fp16(float x);

// --- tiles
// ----------------------------------------------------------------------------------------

// Who converts a tile into block float; the two round differently (wormhole_params.md section 7).
enum class Rounding {
    host,    // tilizer: round-to-nearest-even at every width, mantissa overflow saturates
    packer,  // BFP8 round-to-nearest ties away from zero (saturating); BFP4/BFP2 truncate that
};

// Bytes one tile occupies in L1 (tt::tile_size). Throws std::invalid_argument for formats
// without L1 storage.
uint32_t tile_bytes(tt::DataFormat fmt);

// L1 bytes -> values and back. Supported: Float32, Float16_b, Float16, Bfp8_b, Bfp4_b, Bfp2_b,
// Bfp8, Bfp4, Bfp2, UInt32, Int32, UInt16, UInt8, Int8, RawUInt32/16/8. Integers decode to their
// value as float and encode by round-to-nearest-even, saturating to the type's range (NaN -> 0).
// Rounding only matters for block float. Throw std::invalid_argument naming any other format.
// Neither allocates.
void decode_tile(tt::DataFormat fmt, const uint8_t* src, Tile& out);
void encode_tile(tt::DataFormat fmt, const Tile& in, uint8_t* dst, Rounding r);

// Rounds every value to what `fmt` holds: encode_tile followed by decode_tile.
void quantize_tile(tt::DataFormat fmt, Tile& t, Rounding r);

}  // namespace tensim::numerics
