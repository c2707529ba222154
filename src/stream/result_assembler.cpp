#include "bisectr/stream/result_assembler.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace bisectr::stream {

namespace {

// Output without a test is kept up to this size; a stream of pure noise must not grow memory.
constexpr std::size_t k_max_unattributed = 16 * 1024 * 1024;
// A test's tags are searched linearly up to this many, then through a hash set: a hostile stream
// with thousands of distinct tags per test must not make merging quadratic.
constexpr std::size_t k_tag_scan = 16;

bool all_digits(std::string_view text)
{
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_worker_tag(std::string_view tag) { return tag.starts_with("worker-") && all_digits(tag.substr(7)); }

// A route code "N" or "N/..." (stestr's live streams, python-subunit's routers) is worker-N;
// any other route code names the worker itself.
std::string worker_from_route(std::string_view route_code)
{
  const std::string_view first = route_code.substr(0, route_code.find('/'));
  return all_digits(first) ? "worker-" + std::string(first) : std::string(route_code);
}

void add_attachment_chunk(std::vector<model::Attachment>& attachments, const model::FileChunk& chunk)
{
  auto it = std::find_if(attachments.begin(), attachments.end(), [&](const auto& a) { return a.name == chunk.name; });
  if (it == attachments.end()) {
    attachments.push_back({chunk.name, chunk.mime_type, chunk.bytes});
    return;
  }
  // A later chunk may omit the MIME type (python-subunit's chunks do); the first one stands.
  if (it->mime_type.empty()) {
    it->mime_type = chunk.mime_type;
  }
  it->bytes += chunk.bytes;
}

} // namespace

struct ResultAssembler::Impl {
  struct InFlight {
    model::TestResult result;
    std::string route_code;
    std::unordered_set<std::string> tag_set; ///< result.tags, once there are k_tag_scan of them
  };

  ResultHandler handler;
  std::unordered_map<std::string, InFlight> in_flight;
  std::unordered_map<std::string, std::int64_t> sequences;
  std::string unattributed;
  bool unattributed_truncated = false;
  std::string last_worker;
  std::int64_t* last_counter = nullptr;                  ///< sequences[last_worker]; nodes are stable
  std::unordered_map<std::string, InFlight>::iterator last;  ///< the latest test seen, if has_last
  bool has_last = false;

  // A test's packets usually come back to back: check the latest test before hashing the id.
  std::unordered_map<std::string, InFlight>::iterator find_or_add(const std::string& id)
  {
    if (!has_last || last->first != id) {
      last = in_flight.try_emplace(id).first;
      has_last = true;
    }
    return last;
  }

  void keep_output(const std::string& bytes)
  {
    if (unattributed.size() + bytes.size() <= k_max_unattributed) {
      unattributed += bytes;
    } else if (!unattributed_truncated) {
      unattributed_truncated = true;
      unattributed += "\n[bisectr: further output without a test was dropped]\n";
    }
  }

  static void add_tag(InFlight& test, const std::string& tag)
  {
    auto& tags = test.result.tags;
    if (tags.size() < k_tag_scan) {
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
        tags.push_back(tag);
      }
      return;
    }
    if (test.tag_set.empty()) {
      test.tag_set.insert(tags.begin(), tags.end());
    }
    if (test.tag_set.insert(tag).second) {
      tags.push_back(tag);
    }
  }

  void merge(InFlight& test, const model::Event& event)
  {
    for (const auto& tag : event.tags) {
      if (is_worker_tag(tag)) {
        test.result.worker = tag;
      } else {
        add_tag(test, tag);
      }
    }
    if (test.route_code.empty() && !event.route_code.empty()) {
      test.route_code = event.route_code;
    }
    if (event.file) {
      add_attachment_chunk(test.result.attachments, *event.file);
    }
    if (event.status == model::Status::InProgress && !test.result.start) {
      test.result.start = event.timestamp;
    }
  }

  // Streams run long stretches of one worker: remember its counter instead of hashing again.
  std::int64_t next_sequence(const std::string& worker)
  {
    if (last_counter == nullptr || worker != last_worker) {
      last_counter = &sequences[worker];
      last_worker = worker;
    }
    return (*last_counter)++;
  }

  void complete(std::unordered_map<std::string, InFlight>::iterator it, const model::Event& event)
  {
    if (has_last && it == last) {
      has_last = false;
    }
    auto node = in_flight.extract(it);
    model::TestResult result = std::move(node.mapped().result);
    result.test_id = std::move(node.key());
    result.status = event.status;
    result.stop = event.timestamp;
    if (result.worker.empty() && !node.mapped().route_code.empty()) {
      result.worker = worker_from_route(node.mapped().route_code);
    }
    result.sequence = next_sequence(result.worker);
    handler(std::move(result));
  }
};

ResultAssembler::ResultAssembler(ResultHandler handler) : m_impl(std::make_shared<Impl>())
{
  m_impl->handler = std::move(handler);
}

void ResultAssembler::on_event(const model::Event& event)
{
  if (event.test_id.empty()) {
    if (event.file) {
      m_impl->keep_output(event.file->bytes);
    }
    return;
  }
  if (event.status == model::Status::Exists) {
    return;
  }
  auto it = m_impl->find_or_add(event.test_id);
  m_impl->merge(it->second, event);
  if (model::is_final(event.status)) {
    m_impl->complete(it, event);
  }
}

std::vector<std::string> ResultAssembler::in_progress() const
{
  std::vector<std::string> ids;
  ids.reserve(m_impl->in_flight.size());
  for (const auto& [id, test] : m_impl->in_flight) {
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

const std::string& ResultAssembler::unattributed_output() const { return m_impl->unattributed; }

} // namespace bisectr::stream
