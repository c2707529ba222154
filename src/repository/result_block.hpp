#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

/// One result as a worker_order chunk of coding 2 (schema v11) keeps it beside its test's name:
/// everything a results row holds except the run and the worker, which the chunk's row gives.
struct BlockEntry {
  std::int64_t id = 0;       ///< the result id (attachments refer to it)
  std::int64_t test = 0;     ///< the test's id (tests.id): the per-test queries need no name lookup
  std::int64_t sequence = 0; ///< position in the worker's execution order
  int status = 0;            ///< model::Status code (0-15)
  std::optional<std::int64_t> start_ns;
  std::optional<std::int64_t> stop_ns;
  std::optional<std::int64_t> rss_before_bytes;
  std::optional<std::int64_t> rss_after_bytes;
  std::string tags; ///< join_tags form; empty: none
};

/// Appends entries to a chunk's `results` blob. Each entry is a LEB128 head (status in the low 4
/// bits, then one flag bit per field present), then zigzag LEB128 deltas from the entry before it
/// in the chunk (id, test, sequence; start from its stop; stop from this entry's start), the memory
/// figures, and the tags unless they repeat the entry before. A run of a worker's tests takes a
/// few bytes each.
class BlockEncoder
{
public:
  void append(const BlockEntry& entry);
  [[nodiscard]] const std::string& bytes() const { return m_bytes; }
  /// Starts a new chunk (the deltas start from zero again).
  void clear();

private:
  std::string m_bytes;
  std::int64_t m_id = 0;
  std::int64_t m_test = 0;
  std::int64_t m_sequence = 0;
  std::int64_t m_time = 0; ///< the entry before's stop, or its start when it had none
  std::string m_tags;
};

/// Reads a chunk's `results` blob one entry at a time into one BlockEntry (its tags are copied
/// only when they change); throws util::RepositoryError on a malformed blob.
class BlockDecoder
{
public:
  explicit BlockDecoder(std::string_view bytes) : m_bytes(bytes) {}
  /// Moves to the next entry; false after the last.
  bool next();
  [[nodiscard]] const BlockEntry& entry() const { return m_entry; }

private:
  std::string_view m_bytes;
  std::size_t m_at = 0;
  std::int64_t m_time = 0;
  std::string m_tags;
  BlockEntry m_entry;
};

/// Appends the entries of one chunk's `results` blob to out, in order; throws
/// util::RepositoryError on a malformed blob.
void decode_block(std::string_view bytes, std::vector<BlockEntry>& out);

} // namespace bisectr::repository::detail
