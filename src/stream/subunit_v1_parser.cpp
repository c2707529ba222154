#include "bisectr/stream/subunit_v1_parser.hpp"

#include "bisectr/stream/limits.hpp"
#include "bisectr/stream/utf8.hpp"

#include "bisectr/stream/timestamp.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace bisectr::stream {

namespace {

constexpr std::size_t k_detail_flush = 1024 * 1024;
constexpr std::string_view k_multipart_suffix = " [ multipart";
constexpr std::string_view k_simple_suffix = " [";

struct Keyword {
  std::string_view word;
  model::Status status;
};

constexpr std::array<Keyword, 7> k_outcomes = {{
  {"success", model::Status::Success},
  {"successful", model::Status::Success},
  {"failure", model::Status::Fail},
  {"error", model::Status::Error},
  {"skip", model::Status::Skip},
  {"xfail", model::Status::XFail},
  {"uxsuccess", model::Status::UxSuccess},
}};

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  return text;
}

void add_tag(std::vector<std::string>& tags, std::string_view tag)
{
  if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
    tags.emplace_back(tag);
  }
}

void remove_tag(std::vector<std::string>& tags, std::string_view tag)
{
  tags.erase(std::remove(tags.begin(), tags.end(), tag), tags.end());
}

// Stream bytes for an error message: control bytes would end what() early (NUL) or break its one
// line (CR, ESC), and a huge test id must not make a huge message.
std::string quoted(std::string_view text, std::size_t limit)
{
  std::string out;
  for (const char c : text.substr(0, limit)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      constexpr std::string_view k_hex = "0123456789abcdef";
      out += "\\x";
      out += k_hex[byte >> 4U];
      out += k_hex[byte & 0xFU];
    } else {
      out += c;
    }
  }
  return text.size() > limit ? out + "..." : out;
}

// The name python-subunit gives a bracketed (non-multipart) detail, by outcome.
std::pair<std::string, std::string> simple_detail_name(model::Status status)
{
  if (status == model::Status::Fail || status == model::Status::Error) {
    return {"traceback", "text/x-traceback;charset=utf8"};
  }
  return {status == model::Status::Skip ? "reason" : "message", "text/plain"};
}

} // namespace

SubunitV1Parser::SubunitV1Parser(std::string source_name, EventHandler handler)
  : m_source(std::move(source_name)), m_handler(std::move(handler))
{
}

void SubunitV1Parser::fail(const std::string& what) const
{
  throw util::ParseError("subunit v1: " + what, m_source, m_line_number, util::ParseError::Unit::Line);
}

void SubunitV1Parser::feed(std::string_view bytes)
{
  while (!bytes.empty()) {
    if (m_state == State::ChunkBody) {
      bytes.remove_prefix(feed_chunk_body(bytes));
      continue;
    }
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      if (m_line.size() + bytes.size() > k_max_line) {
        fail("line longer than " + std::to_string(k_max_line) + " bytes");
      }
      m_line.append(bytes);
      return;
    }
    const auto length = static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data()) + 1;
    if (m_line.empty()) {
      on_line(bytes.substr(0, length));
    } else {
      m_line.append(bytes.substr(0, length));
      const std::string line = std::move(m_line);
      m_line.clear();
      on_line(line);
    }
    ++m_line_number;
    bytes.remove_prefix(length);
  }
}

// Copies raw body bytes of a multipart chunk; they need not end at a line break.
std::size_t SubunitV1Parser::feed_chunk_body(std::string_view bytes)
{
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(m_chunk_remaining, bytes.size()));
  const std::string_view body = bytes.substr(0, take);
  m_line_number += static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n'));
  m_detail.bytes.append(body);
  m_chunk_remaining -= take;
  if (m_detail.bytes.size() >= k_detail_flush) {
    flush_detail(false);
  }
  if (m_chunk_remaining == 0) {
    m_state = State::ChunkSize;
  }
  return take;
}

void SubunitV1Parser::on_line(std::string_view line)
{
  switch (m_state) {
  case State::Lines: on_protocol_line(line); break;
  case State::SimpleDetails: on_details_line(line); break;
  case State::PartHeader: {
    const std::string_view text = trim(line.substr(0, line.size() - (line.ends_with('\n') ? 1 : 0)));
    if (text == "]") {
      end_details();
      break;
    }
    const auto space = text.find(' ');
    if (space == std::string_view::npos || text.find('/') == std::string_view::npos) {
      fail("expected a content type or ']' in multipart details");
    }
    m_detail = model::FileChunk{"", std::string(trim(text.substr(space + 1))), "", false};
    m_state = State::PartName;
    break;
  }
  case State::PartName:
    m_detail.name.assign(trim(line.substr(0, line.size() - (line.ends_with('\n') ? 1 : 0))));
    m_state = State::ChunkSize;
    break;
  case State::ChunkSize: on_chunk_size(line); break;
  case State::ChunkBody: break;
  }
}

void SubunitV1Parser::on_chunk_size(std::string_view line)
{
  const std::string_view text = trim(line.substr(0, line.size() - (line.ends_with('\n') ? 1 : 0)));
  std::uint64_t size = 0;
  if (text.empty() || text.size() > 15) {
    fail("invalid chunk length '" + quoted(text, 32) + "'");
  }
  for (const char c : text) {
    const auto digit = std::string_view("0123456789abcdef").find(static_cast<char>(c | 0x20));
    if (digit == std::string_view::npos) {
      fail("invalid chunk length '" + quoted(text, 32) + "'");
    }
    size = size * 16 + digit;
  }
  if (size == 0) {
    flush_detail(true);
    m_state = State::PartHeader;
    return;
  }
  m_chunk_remaining = size;
  m_state = State::ChunkBody;
}

void SubunitV1Parser::on_details_line(std::string_view line)
{
  if (line == "]\n" || line == "]\r\n" || line == "]") {
    flush_detail(true);
    end_details();
    return;
  }
  if (line.starts_with(" ]")) {
    line.remove_prefix(1);
  }
  m_detail.bytes.append(line);
  if (m_detail.bytes.size() >= k_detail_flush) {
    flush_detail(false);
  }
}

void SubunitV1Parser::on_protocol_line(std::string_view line)
{
  const std::string_view text = line.substr(0, line.size() - (line.ends_with('\n') ? 1 : 0));
  const auto word_end = text.find_first_of(": ");
  const std::string_view word = text.substr(0, word_end);
  std::string_view rest = word_end == std::string_view::npos ? std::string_view{} : text.substr(word_end + 1);
  if (!rest.empty() && text[word_end] == ':' && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  const bool has_argument = word_end != std::string_view::npos;
  if (has_argument && (word == "test" || word == "testing")) {
    check_test_id(trim(rest));
    m_current_test.assign(trim(rest));
    m_test_tags.clear();
    m_tags_stale = true;
    emit(model::Status::InProgress, m_current_test);
    return;
  }
  for (const auto& keyword : k_outcomes) {
    if (has_argument && word == keyword.word) {
      on_outcome(keyword.status, rest);
      return;
    }
  }
  if (has_argument && word == "tags") {
    on_tags(rest);
  } else if (has_argument && word == "time") {
    m_time = parse_iso8601(trim(rest));
    if (!m_time) {
      fail("invalid time '" + quoted(trim(rest), 64) + "'");
    }
  } else if (!(has_argument && word == "progress")) {
    m_event = model::Event{};
    m_event.file = model::FileChunk{"stdout", "text/plain", std::string(line), false};
    m_event.timestamp = m_time;
    m_handler(m_event);
  }
}

void SubunitV1Parser::check_test_id(std::string_view id) const
{
  if (id.size() > k_max_test_id_bytes) {
    fail("test id longer than " + std::to_string(k_max_test_id_bytes) + " bytes");
  }
  if (!is_valid_utf8(id)) {
    fail("test id is not valid UTF-8");
  }
}

void SubunitV1Parser::on_outcome(model::Status status, std::string_view rest)
{
  rest = trim(rest);
  State next = State::Lines;
  if (rest.ends_with(k_multipart_suffix)) {
    rest.remove_suffix(k_multipart_suffix.size());
    next = State::PartHeader;
  } else if (rest.ends_with(k_simple_suffix) || rest == "[") {
    rest.remove_suffix(std::min(rest.size(), k_simple_suffix.size()));
    next = State::SimpleDetails;
    auto [name, mime] = simple_detail_name(status);
    m_detail = model::FileChunk{std::move(name), std::move(mime), "", false};
  }
  check_test_id(trim(rest));
  m_outcome_test.assign(trim(rest));
  m_outcome = status;
  m_state = next;
  if (next == State::Lines) {
    end_details();
  }
}

void SubunitV1Parser::on_tags(std::string_view rest)
{
  auto& tags = m_current_test.empty() ? m_global_tags : m_test_tags;
  while (!rest.empty()) {
    rest = trim(rest);
    const auto end = rest.find(' ');
    const std::string_view tag = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (tag.empty()) {
      continue;
    }
    if (&tags == &m_global_tags && tag.front() == '-') {
      remove_tag(tags, tag.substr(1));
    } else {
      // A test-local "+x" cancels an earlier "-x" and the other way round.
      std::string opposite;
      if (tag.front() == '-') {
        opposite.assign(tag.substr(1));
      } else {
        opposite.push_back('-');
        opposite.append(tag);
      }
      remove_tag(tags, opposite);
      add_tag(tags, tag);
    }
    // Tags are scanned linearly for every event: a hostile line of many tags must not go quadratic.
    if (tags.size() > k_max_tags) {
      fail("more than " + std::to_string(k_max_tags) + " tags in effect");
    }
  }
  m_tags_stale = true;
}

void SubunitV1Parser::flush_detail(bool eof)
{
  if (m_detail.bytes.empty() && !eof) {
    return;
  }
  m_event = model::Event{};
  m_event.test_id = m_outcome_test;
  m_event.timestamp = m_time;
  m_event.file = m_detail;
  m_event.file->eof = eof;
  m_handler(m_event);
  // Later chunks of one attachment leave the MIME type out, as python-subunit's chunks do.
  m_detail.bytes.clear();
  m_detail.mime_type.clear();
}

void SubunitV1Parser::end_details()
{
  emit(m_outcome, m_outcome_test);
  if (m_outcome_test == m_current_test) {
    m_current_test.clear();
    m_test_tags.clear();
    m_tags_stale = true;
  }
  m_state = State::Lines;
}

void SubunitV1Parser::emit(model::Status status, std::string_view test_id)
{
  m_event = model::Event{};
  m_event.test_id.assign(test_id);
  m_event.status = status;
  m_event.timestamp = m_time;
  if (m_tags_stale) {
    update_tags();
  }
  m_event.tags = m_tags;
  m_handler(m_event);
}

// Combines the tags once per change rather than once per event.
void SubunitV1Parser::update_tags()
{
  m_tags = m_global_tags;
  for (const auto& tag : m_test_tags) {
    if (tag.front() == '-') {
      remove_tag(m_tags, std::string_view(tag).substr(1));
    } else {
      add_tag(m_tags, tag);
    }
  }
  m_tags_stale = false;
}

void SubunitV1Parser::finish()
{
  if (!m_line.empty()) {
    const std::string line = std::move(m_line);
    m_line.clear();
    on_line(line);
  }
  if (m_state != State::Lines) {
    fail("stream ended inside the details of " + quoted(m_outcome_test, 256));
  }
}

} // namespace bisectr::stream
