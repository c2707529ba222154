#include "bisectr/scheduler/worker_stream.hpp"

#include "bisectr/util/error.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace bisectr::scheduler {

namespace {

// Enough to see past a BOM and blank lines before deciding the format.
constexpr std::size_t k_sniff_limit = 64;

bool decidable(std::string_view pending)
{
  const auto meaningful = std::find_if(pending.begin(), pending.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte != ' ' && byte != '\t' && byte != '\r' && byte != '\n' && byte != 0xEF && byte != 0xBB && byte != 0xBF;
  });
  return meaningful != pending.end() || pending.size() >= k_sniff_limit;
}

} // namespace

WorkerStream::WorkerStream(std::string worker, std::optional<stream::Format> format, std::string source_name, IdMap ids)
  : m_worker(std::move(worker)), m_source(std::move(source_name)), m_ids(std::move(ids))
{
  m_assembler = std::make_unique<stream::ResultAssembler>([this](model::TestResult&& result) { on_result(std::move(result)); });
  if (format) {
    start_parser(*format);
  }
}

void WorkerStream::start_parser(stream::Format format)
{
  m_format = format;
  m_parser = stream::make_parser(format, m_source, [this](const model::Event& event) { on_event(event); });
}

void WorkerStream::feed(std::string_view bytes)
{
  if (!m_error.empty() || bytes.empty()) {
    return;
  }
  if (m_parser) {
    parse(bytes);
    return;
  }
  m_pending.append(bytes);
  if (decidable(m_pending)) {
    std::istringstream sniff(m_pending);
    start_parser(stream::detect_format(sniff));
    parse(std::exchange(m_pending, {}));
  }
}

bool WorkerStream::feed_file(const std::filesystem::path& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return false;
  }
  std::array<char, 64 * 1024> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    feed(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return true;
}

void WorkerStream::parse(std::string_view bytes)
{
  try {
    m_parser->feed(bytes);
  } catch (const util::Error& e) {
    m_error = e.what();
  }
}

void WorkerStream::finish()
{
  if (!m_error.empty()) {
    return;
  }
  if (!m_parser) {
    if (m_pending.empty()) {
      return;  // no output at all: nothing to parse, nothing to report
    }
    std::istringstream sniff(m_pending);
    start_parser(stream::detect_format(sniff));
    parse(std::exchange(m_pending, {}));
  }
  try {
    m_parser->finish();
  } catch (const util::Error& e) {
    m_error = e.what();
  }
}

void WorkerStream::on_event(const model::Event& event)
{
  if (event.status == model::Status::InProgress && !event.test_id.empty()) {
    m_started.push_back(event.test_id);
  }
  m_assembler->on_event(event);
}

void WorkerStream::on_result(model::TestResult&& result)
{
  result.test_id = m_ids.map(result.test_id);
  result.worker = m_worker;
  result.sequence = static_cast<std::int64_t>(m_results.size());
  m_results.push_back(std::move(result));
  if (m_on_result) {
    m_on_result(m_results.back());
  }
}

std::vector<std::string> WorkerStream::in_progress() const
{
  const auto open = m_assembler->in_progress();
  std::vector<std::string> ids;
  for (auto it = m_started.rbegin(); it != m_started.rend(); ++it) {
    const bool still_open = std::binary_search(open.begin(), open.end(), *it);
    const std::string mapped = m_ids.map(*it);
    if (still_open && std::find(ids.begin(), ids.end(), mapped) == ids.end()) {
      ids.push_back(mapped);
    }
  }
  return ids;
}

} // namespace bisectr::scheduler
