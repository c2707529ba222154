#include "result_block.hpp"

#include "blob_codec.hpp"
#include "bisectr/util/error.hpp"

namespace bisectr::repository::detail {

namespace {

// The flags a typical entry sets come first, so that its head fits in one byte.
constexpr std::uint64_t k_has_start = 1U << 4U;
constexpr std::uint64_t k_has_stop = 1U << 5U;
constexpr std::uint64_t k_same_tags = 1U << 6U;
constexpr std::uint64_t k_new_tags = 1U << 7U;
constexpr std::uint64_t k_has_rss_before = 1U << 8U;
constexpr std::uint64_t k_has_rss_after = 1U << 9U;
constexpr std::uint64_t k_status_mask = 0xfU;
constexpr std::uint64_t k_known_bits = k_status_mask | k_has_start | k_has_stop | k_has_rss_before | k_has_rss_after |
                                       k_new_tags | k_same_tags;

// Differences as unsigned numbers, wrapping: two's complement makes a - b + b == a for any pair.
std::uint64_t minus(std::int64_t a, std::int64_t b)
{
  return static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b);
}

std::int64_t plus(std::int64_t base, std::uint64_t delta)
{
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(base) + delta);
}

std::uint64_t zigzag(std::uint64_t delta)
{
  const auto signed_delta = static_cast<std::int64_t>(delta);
  return (delta << 1U) ^ static_cast<std::uint64_t>(signed_delta >> 63);
}

std::uint64_t unzigzag(std::uint64_t value)
{
  return (value >> 1U) ^ (0 - (value & 1U));
}

void put_delta(std::string& out, std::int64_t value, std::int64_t base)
{
  append_leb128(out, zigzag(minus(value, base)));
}

std::int64_t get_delta(std::string_view bytes, std::size_t& at, std::int64_t base)
{
  return plus(base, unzigzag(read_leb128(bytes, at)));
}

} // namespace

void BlockEncoder::append(const BlockEntry& entry)
{
  std::uint64_t head = static_cast<std::uint64_t>(entry.status) & k_status_mask;
  head |= entry.start_ns ? k_has_start : 0U;
  head |= entry.stop_ns ? k_has_stop : 0U;
  head |= entry.rss_before_bytes ? k_has_rss_before : 0U;
  head |= entry.rss_after_bytes ? k_has_rss_after : 0U;
  if (!entry.tags.empty()) {
    head |= entry.tags == m_tags ? k_same_tags : k_new_tags;
  }
  append_leb128(m_bytes, head);
  put_delta(m_bytes, entry.id, m_id);
  put_delta(m_bytes, entry.test, m_test);
  put_delta(m_bytes, entry.sequence, m_sequence);
  m_id = entry.id;
  m_test = entry.test;
  m_sequence = entry.sequence;
  // A start from the entry before's end (a worker's tests run back to back), a stop from its start.
  if (entry.start_ns) {
    put_delta(m_bytes, *entry.start_ns, m_time);
    m_time = *entry.start_ns;
  }
  if (entry.stop_ns) {
    put_delta(m_bytes, *entry.stop_ns, m_time);
    m_time = *entry.stop_ns;
  }
  if (entry.rss_before_bytes) {
    put_delta(m_bytes, *entry.rss_before_bytes, 0);
  }
  if (entry.rss_after_bytes) {
    put_delta(m_bytes, *entry.rss_after_bytes, 0);
  }
  if ((head & k_new_tags) != 0) {
    append_leb128(m_bytes, entry.tags.size());
    m_bytes += entry.tags;
    m_tags = entry.tags;
  }
}

void BlockEncoder::clear()
{
  *this = BlockEncoder();
}

bool BlockDecoder::next()
{
  if (m_at >= m_bytes.size()) {
    return false;
  }
  const std::uint64_t head = read_leb128(m_bytes, m_at);
  if ((head & ~k_known_bits) != 0 || ((head & k_new_tags) != 0 && (head & k_same_tags) != 0)) {
    throw util::RepositoryError("malformed worker order chunk (an unknown result layout)");
  }
  BlockEntry& entry = m_entry;
  entry.status = static_cast<int>(head & k_status_mask);
  entry.id = get_delta(m_bytes, m_at, entry.id);
  entry.test = get_delta(m_bytes, m_at, entry.test);
  entry.sequence = get_delta(m_bytes, m_at, entry.sequence);
  entry.start_ns.reset();
  entry.stop_ns.reset();
  entry.rss_before_bytes.reset();
  entry.rss_after_bytes.reset();
  if ((head & k_has_start) != 0) {
    m_time = get_delta(m_bytes, m_at, m_time);
    entry.start_ns = m_time;
  }
  if ((head & k_has_stop) != 0) {
    m_time = get_delta(m_bytes, m_at, m_time);
    entry.stop_ns = m_time;
  }
  if ((head & k_has_rss_before) != 0) {
    entry.rss_before_bytes = get_delta(m_bytes, m_at, 0);
  }
  if ((head & k_has_rss_after) != 0) {
    entry.rss_after_bytes = get_delta(m_bytes, m_at, 0);
  }
  if ((head & k_new_tags) != 0) {
    const std::uint64_t length = read_leb128(m_bytes, m_at);
    if (length > m_bytes.size() - m_at) {
      throw util::RepositoryError("malformed worker order chunk (tags run past its end)");
    }
    m_tags.assign(m_bytes.substr(m_at, static_cast<std::size_t>(length)));
    m_at += static_cast<std::size_t>(length);
    entry.tags = m_tags;
  } else if ((head & k_same_tags) != 0) {
    if (entry.tags != m_tags) {
      entry.tags = m_tags;
    }
  } else {
    entry.tags.clear();
  }
  return true;
}

void decode_block(std::string_view bytes, std::vector<BlockEntry>& out)
{
  BlockDecoder decoder(bytes);
  while (decoder.next()) {
    out.push_back(decoder.entry());
  }
}

} // namespace bisectr::repository::detail
