#include "bisectr/stream/subunit_v1_writer.hpp"

#include "bisectr/stream/timestamp.hpp"

#include <algorithm>
#include <cstdio>

namespace bisectr::stream {

namespace {

std::string one_line(std::string text)
{
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string_view outcome_word(model::Status status)
{
  switch (status) {
  case model::Status::Success: return "successful";
  case model::Status::Fail: return "failure";
  case model::Status::Error: return "error";
  case model::Status::Skip: return "skip";
  case model::Status::XFail: return "xfail";
  case model::Status::UxSuccess: return "uxsuccess";
  default: return "";
  }
}

void write_time(std::ostream& out, const std::optional<model::TimePoint>& time)
{
  if (time) {
    out << "time: " << format_iso8601(*time, ' ', "Z") << '\n';
  }
}

void write_details(std::ostream& out, const std::vector<model::Attachment>& attachments)
{
  for (const auto& attachment : attachments) {
    const std::string mime = attachment.mime_type.empty() ? "application/octet-stream" : attachment.mime_type;
    out << "Content-Type: " << one_line(mime) << '\n' << one_line(attachment.name) << '\n';
    if (!attachment.bytes.empty()) {
      char size[32];
      std::snprintf(size, sizeof size, "%zX\r\n", attachment.bytes.size());
      out << size << attachment.bytes;
    }
    out << "0\r\n";
  }
  out << "]\n";
}

} // namespace

void SubunitV1Writer::write(const model::TestResult& result)
{
  const std::string id = one_line(result.test_id);
  const std::string worker = one_line(result.worker);
  write_time(m_out, result.start);
  if (!worker.empty()) {
    m_out << "tags: " << worker << '\n';
  }
  m_out << "test: " << id << '\n';
  if (!result.tags.empty()) {
    m_out << "tags:";
    for (const auto& tag : result.tags) {
      m_out << ' ' << one_line(tag);
    }
    m_out << '\n';
  }
  const std::string_view outcome = outcome_word(result.status);
  if (!outcome.empty()) {
    write_time(m_out, result.stop);
    m_out << outcome << ": " << id;
    if (result.attachments.empty()) {
      m_out << '\n';
    } else {
      m_out << " [ multipart\n";
      write_details(m_out, result.attachments);
    }
  }
  if (!worker.empty()) {
    m_out << "tags: -" << worker << '\n';
  }
}

void SubunitV1Writer::finish() { m_out.flush(); }

} // namespace bisectr::stream
