#include "json_model.hpp"

#include "bisectr/report/json_views.hpp"
#include "bisectr/util/json_text.hpp"
#include "bisectr/util/parallel.hpp"

#include <chrono>
#include <string>
#include <ostream>

namespace bisectr::cli {

namespace {

double epoch_seconds(const model::TimePoint& time)
{
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

template <typename T>
nlohmann::json optional_value(const std::optional<T>& value)
{
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json to_json(const model::RunSummary& run)
{
  static constexpr const char* k_states[] = {"complete", "interrupted", "running"};
  return {{"id", run.id},
          {"started", epoch_seconds(run.started)},
          {"duration_seconds", run.duration_seconds},
          {"source", run.source},
          {"state", k_states[static_cast<int>(run.state)]},
          {"total", run.counts.total},
          {"passed", run.counts.passed},
          {"failed", run.counts.failed},
          {"skipped", run.counts.skipped},
          {"metadata", run.metadata}};
}

namespace {

// A result as a JSON object (members in name order), its braces indented by `indent` spaces.
void append_result(std::string& out, const model::TestResult& result, int indent)
{
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  const int inner = indent + 2;
  out += pad;
  out += '{';
  bool first = true;
  if (!result.attachments.empty()) {
    util::append_json_key(out, inner, "attachments", true);
    first = false;
    out += '[';
    const std::string item_pad(static_cast<std::size_t>(inner + 2), ' ');
    for (std::size_t i = 0; i < result.attachments.size(); ++i) {
      const model::Attachment& attachment = result.attachments[i];
      out += i == 0 ? "\n" : ",\n";
      out += item_pad;
      out += '{';
      util::append_json_key(out, inner + 4, "mime_type", true);
      util::append_json_string(out, attachment.mime_type);
      util::append_json_key(out, inner + 4, "name");
      util::append_json_string(out, attachment.name);
      util::append_json_key(out, inner + 4, "text");
      util::append_json_string(out, attachment.bytes);
      out += '\n';
      out += item_pad;
      out += '}';
    }
    out += '\n';
    out.append(static_cast<std::size_t>(inner), ' ');
    out += ']';
  }
  util::append_json_key(out, inner, "duration_seconds", first);
  util::append_json_number(out, result.duration_seconds());
  util::append_json_key(out, inner, "id");
  util::append_json_string(out, result.test_id);
  util::append_json_key(out, inner, "rss_after_bytes");
  util::append_json_number(out, result.rss_after_bytes);
  util::append_json_key(out, inner, "rss_before_bytes");
  util::append_json_number(out, result.rss_before_bytes);
  util::append_json_key(out, inner, "sequence");
  util::append_json_number(out, std::optional<std::int64_t>(result.sequence));
  util::append_json_key(out, inner, "start");
  report::append_json_time(out, result.start);
  util::append_json_key(out, inner, "status");
  util::append_json_string(out, model::to_string(result.status));
  util::append_json_key(out, inner, "stop");
  report::append_json_time(out, result.stop);
  util::append_json_key(out, inner, "tags");
  out += '[';
  for (std::size_t i = 0; i < result.tags.size(); ++i) {
    out += i == 0 ? "" : ", ";
    util::append_json_string(out, result.tags[i]);
  }
  out += ']';
  util::append_json_key(out, inner, "worker");
  util::append_json_string(out, result.worker);
  out += '\n';
  out += pad;
  out += '}';
}

} // namespace

nlohmann::json to_json(const model::WorkerInfo& worker)
{
  const auto& r = worker.resources;
  return {{"name", worker.name},
          {"wall_seconds", r.wall_seconds},
          {"cpu_user_seconds", r.cpu_user_seconds},
          {"cpu_system_seconds", r.cpu_system_seconds},
          {"peak_rss_bytes", r.peak_rss_bytes},
          {"exit_code", optional_value(r.exit_code)},
          {"signal", optional_value(r.signal)},
          {"killed_by_us", r.killed_by_us},
          {"timed_out", r.timed_out},
          {"oom_killed", r.oom_killed},
          {"memory_limit_method", r.memory_limit_method},
          {"in_progress_test", r.in_progress_test}};
}

void print_json(std::ostream& out, const nlohmann::json& document)
{
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

/// Results formatted as one block: about 150 KiB of text with a typical traceback each.
constexpr std::size_t k_format_block = 128;

void print_json_with_results(std::ostream& out, const nlohmann::json& head, std::string_view key,
                             const std::vector<model::TestResult>& results)
{
  // head prints as "{}" or as "{\n  ...\n}": reopen it after its last member.
  std::string text = head.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text.pop_back();
  if (text.size() > 1) {
    text.pop_back();
  }
  util::append_json_key(text, 2, key, text.size() == 1);
  text += '[';
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  // Formatting 10,000 tracebacks was a third of `last --json`: two threads format alternate
  // blocks of results and write them in turn.
  util::format_blocks_in_order(
      results.size(), k_format_block,
      [&](std::string& block, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
          block += i == 0 ? "\n" : ",\n";
          append_result(block, results[i], 4);
        }
      },
      [&](const std::string& block) { out.write(block.data(), static_cast<std::streamsize>(block.size())); });
  out << (results.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

} // namespace bisectr::cli
