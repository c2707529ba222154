#include "run_ref.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"

#include <charconv>

namespace bisectr::cli {

namespace {

std::optional<long long> parse_integer(const std::string& text)
{
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

model::RunId nth_newest(const repository::Repository& repository, long long back)
{
  auto runs = repository.list_runs();
  auto count = static_cast<long long>(runs.size());
  if (back > count) {
    throw util::UsageError("the repository holds only " + std::to_string(count) + " runs");
  }
  return runs[static_cast<std::size_t>(count - back)].id;
}

} // namespace

model::RunId resolve_run(const repository::Repository& repository, const std::string& text)
{
  if (text.empty() || text == "last") {
    auto latest = repository.latest_run();
    if (!latest) {
      throw util::UsageError("the repository has no runs yet (use 'bisectr load' or 'bisectr run')");
    }
    return *latest;
  }
  auto number = parse_integer(text);
  if (!number) {
    throw util::UsageError("'" + text + "' is not a run id (a number, -N for the Nth newest, or 'last')");
  }
  if (*number < 0) {
    return nth_newest(repository, -*number);
  }
  if (!repository.run_summary(*number)) {
    throw util::UsageError("no run " + text + " in the repository");
  }
  return *number;
}

} // namespace bisectr::cli
