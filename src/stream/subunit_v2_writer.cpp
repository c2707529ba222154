#include "bisectr/stream/subunit_v2_writer.hpp"

#include "bisectr/stream/subunit_v2_encoder.hpp"

#include <algorithm>

namespace bisectr::stream {

namespace {

std::string route_code_of(const std::string& worker)
{
  return worker.starts_with("worker-") ? worker.substr(7) : worker;
}

void append_attachment(std::string& out, model::Event& event, const model::Attachment& attachment)
{
  std::size_t offset = 0;
  do {
    const std::size_t size = std::min(k_v2_max_chunk, attachment.bytes.size() - offset);
    // Only the first chunk names the MIME type, as python-subunit's chunks do.
    event.file = model::FileChunk{attachment.name, offset == 0 ? attachment.mime_type : std::string(),
                                  attachment.bytes.substr(offset, size), offset + size == attachment.bytes.size()};
    append_v2_packet(out, event);
    offset += size;
  } while (offset < attachment.bytes.size());
}

} // namespace

void SubunitV2Writer::write(const model::TestResult& result)
{
  m_buffer.clear();
  model::Event event;
  event.test_id = result.test_id;
  event.route_code = route_code_of(result.worker);
  if (!result.worker.empty()) {
    event.tags.push_back(result.worker);
  }
  event.status = model::Status::InProgress;
  event.timestamp = result.start;
  append_v2_packet(m_buffer, event);
  event.status = model::Status::Undefined;
  event.timestamp = result.stop;
  for (const auto& attachment : result.attachments) {
    append_attachment(m_buffer, event, attachment);
  }
  event.file.reset();
  event.status = result.status;
  event.tags.insert(event.tags.end(), result.tags.begin(), result.tags.end());
  append_v2_packet(m_buffer, event);
  m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
}

void SubunitV2Writer::finish() { m_out.flush(); }

} // namespace bisectr::stream
