// Host-side block-float packing: fp32 vectors to bfp8/bfp4 tile bytes and back, with the host
// tilizer's rounding (round-to-nearest-even, saturating). Mirrors TT-Metalium's
// <tt-metalium/bfloat8.hpp>, <bfloat4.hpp> and <blockfloat_common.hpp>, taking std::vector or
// std::span where TT-Metalium takes tt::stl::Span. The bytes are exactly what the simulator's
// tile encoder writes (sim/numerics/formats.hpp, docs/numerics.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tensim/host/circular_buffer_config.hpp"

// Every function works on whole 32x32 tiles and throws std::invalid_argument if the vector is not a
// whole number of tiles or if `tile` is given with a shape other than 32x32.
//
// row_major_input / row_major_output: true means each consecutive 1024 floats are one tile in
// row-major order (converted to and from the four-face order here); false means the floats are
// already in face order. is_exp_a: true selects Bfp8/Bfp4 (5-bit shared exponent), false the
// usual Bfp8_b/Bfp4_b (8-bit). The result holds tile after tile: 64 exponent bytes, then the
// datums, little-endian in each uint32 (272 words per bfp8 tile, 144 per bfp4 tile).

std::vector<uint32_t> pack_fp32_vec_as_bfp8_tiles(
    std::span<const float> fp32_vec, bool row_major_input, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<uint32_t> pack_fp32_vec_as_bfp8_tiles(
    const std::vector<float>& fp32_vec, bool row_major_input, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<float> unpack_bfp8_tiles_into_float_vec(
    std::span<const uint32_t> bfp_tiles, bool row_major_output, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<float> unpack_bfp8_tiles_into_float_vec(
    const std::vector<uint32_t>& bfp_tiles, bool row_major_output, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);

std::vector<uint32_t> pack_fp32_vec_as_bfp4_tiles(
    std::span<const float> fp32_vec, bool row_major_input, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<uint32_t> pack_fp32_vec_as_bfp4_tiles(
    const std::vector<float>& fp32_vec, bool row_major_input, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<float> unpack_bfp4_tiles_into_float_vec(
    std::span<const uint32_t> bfp_tiles, bool row_major_output, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);
std::vector<float> unpack_bfp4_tiles_into_float_vec(
    const std::vector<uint32_t>& bfp_tiles, bool row_major_output, bool is_exp_a,
    const std::optional<tt::tt_metal::Tile>& tile = std::nullopt);

// num_bytes of bfp8 tiles (a multiple of 1088) holding values drawn uniformly from
// [offset, offset + rand_max_float) with std::mt19937(seed), in face order.
std::vector<uint32_t> create_random_vector_of_bfp8(uint32_t num_bytes, bool is_exp_a,
                                                   int rand_max_float, int seed,
                                                   float offset = 0.0f);
// num_bytes of bfp8 tiles (a multiple of 1088) holding `value` everywhere.
std::vector<uint32_t> create_constant_vector_of_bfp8(uint32_t num_bytes, float value,
                                                     bool is_exp_a);
