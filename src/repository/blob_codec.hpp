#pragma once

#include "bisectr/model/run.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

/// How an attachment's bytes are stored.
enum class Encoding : int { Raw = 0, Zlib = 1 };

/// Attachments at least this long are zlib-compressed (when that makes them smaller).
inline constexpr std::size_t k_compress_threshold = 256;
/// Below this size (tracebacks) they are deflated with fixed Huffman codes, which inflate about
/// twice as fast for ~16% more bytes; larger bodies get their own code tables.
inline constexpr std::size_t k_fixed_codes_below = 4096;

/// Stored form of an attachment body.
struct EncodedBytes {
  Encoding encoding = Encoding::Raw;
  std::string bytes;
};

/// Compresses bytes with zlib when they are long enough and it saves space.
EncodedBytes encode_bytes(std::string_view bytes);
/// Restores stored attachment bodies, reusing one zlib stream across calls (a query that reads
/// thousands of tracebacks would otherwise set one up per body).
class Decoder
{
public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  /// The original bytes; throws util::RepositoryError on corrupt data.
  std::string decode(Encoding encoding, std::string_view stored, std::size_t original_size);
  /// The same into `out`, which already holds exactly as many bytes as the original had (so that
  /// another thread can inflate into memory this one allocated).
  void decode_into(Encoding encoding, std::string_view stored, std::span<char> out);

private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// Restores the original bytes; throws util::RepositoryError on corrupt data.
std::string decode_bytes(Encoding encoding, std::string_view stored, std::size_t original_size);

/// A memory curve as one compact blob (zlib over fixed-width little-endian pairs).
std::string encode_memory_curve(const std::vector<model::MemoryPoint>& curve);
/// Inverse of encode_memory_curve; throws util::RepositoryError on a malformed blob.
std::vector<model::MemoryPoint> decode_memory_curve(std::string_view blob);

/// Names per worker_order chunk (about 150 KB of typical ids): memory stays bounded per worker.
inline constexpr std::size_t k_order_chunk_names = 4096;
/// ... or fewer when their bytes reach this (ids are untrusted and may be long).
inline constexpr std::size_t k_order_chunk_bytes = 1024 * 1024;

/// Appends value as unsigned LEB128 (7 bits a byte, low first).
void append_leb128(std::string& out, std::uint64_t value);
/// Reads an unsigned LEB128 number at `at` and moves past it; throws util::RepositoryError when
/// it is cut off.
std::uint64_t read_leb128(std::string_view chunk, std::size_t& at);

/// Appends one name to a chunk of names (a LEB128 length, then the bytes: names may hold any byte).
void append_name(std::string& chunk, std::string_view name);
/// Appends the names of a chunk to out, in order; throws util::RepositoryError on a malformed chunk.
void decode_names(std::string_view chunk, std::vector<std::string>& out);

/// How a worker_order chunk is laid out (its `coding` column, schema v10).
enum class NameCoding : int {
  Plain = 0,        ///< append_name: each name whole
  FrontCoded = 1,   ///< append_front_coded: each name as a prefix of the one before, then the rest
  FrontCodedWithResults = 2, ///< names as FrontCoded, and each result beside them (result_block.hpp, v11)
};
/// Appends one name to a front-coded chunk: a LEB128 count of the bytes it shares with previous
/// (the chunk's name before it; empty for its first), a LEB128 count of the rest, then the rest.
/// previous becomes name.
void append_front_coded(std::string& chunk, std::string& previous, std::string_view name);
/// Appends the names of a chunk in the given coding to out, in order; throws
/// util::RepositoryError on a malformed chunk or an unknown coding.
void decode_names(std::string_view chunk, NameCoding coding, std::vector<std::string>& out);

/// Reads a front-coded chunk's names (coding 1 or 2) one at a time into one buffer, with no
/// allocation per name once it has grown; throws util::RepositoryError on a malformed chunk.
class FrontCodedNames
{
public:
  explicit FrontCodedNames(std::string_view chunk) : m_chunk(chunk) {}
  /// Moves to the next name; false after the last.
  bool next();
  [[nodiscard]] const std::string& name() const { return m_name; }

private:
  std::string_view m_chunk;
  std::size_t m_at = 0;
  std::string m_name;
};

/// Tags as one text field (newline-separated); empty for no tags.
std::string join_tags(const std::vector<std::string>& tags);
/// Inverse of join_tags.
std::vector<std::string> split_tags(std::string_view text);

} // namespace bisectr::repository::detail
