#include "tensim/host/bfp.hpp"

#include <algorithm>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>

#include "numerics/formats.hpp"

namespace {

using tensim::numerics::Tile;

void check_tile_shape(const char* fn, const std::optional<tt::tt_metal::Tile>& tile) {
    if (tile && (tile->tile_shape[0] != 32 || tile->tile_shape[1] != 32)) {
        throw std::invalid_argument(std::string(fn) + ": only 32x32 tiles are supported, got " +
                                    std::to_string(tile->tile_shape[0]) + "x" +
                                    std::to_string(tile->tile_shape[1]));
    }
}

// Position in row-major tile order of the datum at face-order index i.
int row_major_of(int i) {
    const int face = i / 256, r = (face / 2) * 16 + (i % 256) / 16, c = (face % 2) * 16 + i % 16;
    return r * 32 + c;
}

std::vector<uint32_t> pack(const char* fn, tt::DataFormat fmt, std::span<const float> in,
                           bool row_major, const std::optional<tt::tt_metal::Tile>& tile) {
    check_tile_shape(fn, tile);
    if (in.size() % 1024 != 0) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(in.size()) +
                                    " floats is not a whole number of 32x32 tiles");
    }
    const uint32_t tile_bytes = tensim::numerics::tile_bytes(fmt);
    const size_t num_tiles = in.size() / 1024;
    std::vector<uint32_t> out(num_tiles * tile_bytes / 4);
    auto* bytes = reinterpret_cast<uint8_t*>(out.data());
    Tile t;
    for (size_t n = 0; n < num_tiles; ++n) {
        const float* src = in.data() + n * 1024;
        for (int i = 0; i < 1024; ++i) t[i] = src[row_major ? row_major_of(i) : i];
        tensim::numerics::encode_tile(fmt, t, bytes + n * tile_bytes,
                                      tensim::numerics::Rounding::host);
    }
    return out;
}

std::vector<float> unpack(const char* fn, tt::DataFormat fmt, std::span<const uint32_t> in,
                          bool row_major, const std::optional<tt::tt_metal::Tile>& tile) {
    check_tile_shape(fn, tile);
    const uint32_t tile_words = tensim::numerics::tile_bytes(fmt) / 4;
    if (in.size() % tile_words != 0) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(in.size()) +
                                    " words is not a whole number of " +
                                    std::to_string(tile_words) + "-word tiles");
    }
    const size_t num_tiles = in.size() / tile_words;
    std::vector<float> out(num_tiles * 1024);
    const auto* bytes = reinterpret_cast<const uint8_t*>(in.data());
    Tile t;
    for (size_t n = 0; n < num_tiles; ++n) {
        tensim::numerics::decode_tile(fmt, bytes + n * tile_words * 4, t);
        float* dst = out.data() + n * 1024;
        for (int i = 0; i < 1024; ++i) dst[row_major ? row_major_of(i) : i] = t[i];
    }
    return out;
}

tt::DataFormat bfp8(bool is_exp_a) {
    return is_exp_a ? tt::DataFormat::Bfp8 : tt::DataFormat::Bfp8_b;
}
tt::DataFormat bfp4(bool is_exp_a) {
    return is_exp_a ? tt::DataFormat::Bfp4 : tt::DataFormat::Bfp4_b;
}

std::vector<float> floats_for_bfp8_bytes(const char* fn, uint32_t num_bytes) {
    const uint32_t tile_bytes = tt::tile_size(tt::DataFormat::Bfp8_b);
    if (num_bytes % tile_bytes != 0) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(num_bytes) +
                                    " bytes is not a whole number of 1088-byte bfp8 tiles");
    }
    return std::vector<float>(num_bytes / tile_bytes * 1024);
}

}  // namespace

std::vector<uint32_t> pack_fp32_vec_as_bfp8_tiles(std::span<const float> fp32_vec,
                                                  bool row_major_input, bool is_exp_a,
                                                  const std::optional<tt::tt_metal::Tile>& tile) {
    return pack("pack_fp32_vec_as_bfp8_tiles", bfp8(is_exp_a), fp32_vec, row_major_input, tile);
}

std::vector<uint32_t> pack_fp32_vec_as_bfp8_tiles(const std::vector<float>& fp32_vec,
                                                  bool row_major_input, bool is_exp_a,
                                                  const std::optional<tt::tt_metal::Tile>& tile) {
    return pack("pack_fp32_vec_as_bfp8_tiles", bfp8(is_exp_a), fp32_vec, row_major_input, tile);
}

std::vector<float> unpack_bfp8_tiles_into_float_vec(std::span<const uint32_t> bfp_tiles,
                                                    bool row_major_output, bool is_exp_a,
                                                    const std::optional<tt::tt_metal::Tile>& tile) {
    return unpack("unpack_bfp8_tiles_into_float_vec", bfp8(is_exp_a), bfp_tiles, row_major_output,
                  tile);
}

std::vector<float> unpack_bfp8_tiles_into_float_vec(const std::vector<uint32_t>& bfp_tiles,
                                                    bool row_major_output, bool is_exp_a,
                                                    const std::optional<tt::tt_metal::Tile>& tile) {
    return unpack("unpack_bfp8_tiles_into_float_vec", bfp8(is_exp_a), bfp_tiles, row_major_output,
                  tile);
}

std::vector<uint32_t> pack_fp32_vec_as_bfp4_tiles(std::span<const float> fp32_vec,
                                                  bool row_major_input, bool is_exp_a,
                                                  const std::optional<tt::tt_metal::Tile>& tile) {
    return pack("pack_fp32_vec_as_bfp4_tiles", bfp4(is_exp_a), fp32_vec, row_major_input, tile);
}

std::vector<uint32_t> pack_fp32_vec_as_bfp4_tiles(const std::vector<float>& fp32_vec,
                                                  bool row_major_input, bool is_exp_a,
                                                  const std::optional<tt::tt_metal::Tile>& tile) {
    return pack("pack_fp32_vec_as_bfp4_tiles", bfp4(is_exp_a), fp32_vec, row_major_input, tile);
}

std::vector<float> unpack_bfp4_tiles_into_float_vec(std::span<const uint32_t> bfp_tiles,
                                                    bool row_major_output, bool is_exp_a,
                                                    const std::optional<tt::tt_metal::Tile>& tile) {
    return unpack("unpack_bfp4_tiles_into_float_vec", bfp4(is_exp_a), bfp_tiles, row_major_output,
                  tile);
}

std::vector<float> unpack_bfp4_tiles_into_float_vec(const std::vector<uint32_t>& bfp_tiles,
                                                    bool row_major_output, bool is_exp_a,
                                                    const std::optional<tt::tt_metal::Tile>& tile) {
    return unpack("unpack_bfp4_tiles_into_float_vec", bfp4(is_exp_a), bfp_tiles, row_major_output,
                  tile);
}

std::vector<uint32_t> create_random_vector_of_bfp8(uint32_t num_bytes, bool is_exp_a,
                                                   int rand_max_float, int seed, float offset) {
    std::vector<float> values = floats_for_bfp8_bytes("create_random_vector_of_bfp8", num_bytes);
    std::mt19937 gen(static_cast<std::mt19937::result_type>(seed));
    std::uniform_real_distribution<float> dist(0.0f, static_cast<float>(rand_max_float));
    for (float& v : values) v = dist(gen) + offset;
    return pack_fp32_vec_as_bfp8_tiles(values, false, is_exp_a);
}

std::vector<uint32_t> create_constant_vector_of_bfp8(uint32_t num_bytes, float value,
                                                     bool is_exp_a) {
    std::vector<float> values = floats_for_bfp8_bytes("create_constant_vector_of_bfp8", num_bytes);
    std::fill(values.begin(), values.end(), value);
    return pack_fp32_vec_as_bfp8_tiles(values, false, is_exp_a);
}
