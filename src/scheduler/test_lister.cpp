#include "bisectr/scheduler/test_lister.hpp"

#include "bisectr/config/test_list.hpp"
#include "bisectr/scheduler/worker_command.hpp"
#include "bisectr/stream/test_listing.hpp"
#include "bisectr/util/error.hpp"

#include <unordered_set>

namespace bisectr::scheduler {

namespace {

// Enough of stderr to explain a failure in one message.
constexpr std::size_t k_stderr_excerpt = 2000;

std::string failure_message(const config::RunnerConfig& config, const model::Resources& resources, const std::string& err)
{
  std::string message = "the list command failed (" + describe_command(config.list_command) + ", ";
  if (resources.timed_out) {
    message += "timed out";
  } else if (resources.signal) {
    message += "signal " + std::to_string(*resources.signal);
  } else {
    message += "exit code " + std::to_string(resources.exit_code.value_or(-1));
  }
  message += ")";
  if (!err.empty()) {
    message += ": " + (err.size() > k_stderr_excerpt ? "..." + err.substr(err.size() - k_stderr_excerpt) : err);
  }
  return message;
}

std::vector<std::string> unique(std::vector<std::string> ids)
{
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (auto& id : ids) {
    if (seen.insert(id).second) {
      out.push_back(std::move(id));
    }
  }
  return out;
}

} // namespace

std::vector<std::string> parse_listing(const config::RunnerConfig& config, const std::string& output)
{
  if (config.list_format == config::ListFormat::Subunit) {
    return stream::list_test_ids(output, "output of " + describe_command(config.list_command));
  }
  return unique(config::parse_test_list(config.list_format, output));
}

std::vector<std::string> list_tests(const config::RunnerConfig& config, executor::ProcessRunner& runner,
                                    std::stop_token stop)
{
  std::string out;
  std::string err;
  executor::ProcessSpec spec;
  spec.argv = config.list_command;
  spec.cwd = config.cwd;
  spec.env = config.env;
  spec.timeout = config.timeout;
  spec.on_stdout = [&out](std::string_view chunk) { out.append(chunk); };
  spec.on_stderr = [&err](std::string_view chunk) {
    err.append(chunk);
    if (err.size() > 2 * k_stderr_excerpt) {
      err.erase(0, err.size() - k_stderr_excerpt);
    }
  };
  const auto result = runner.run(spec, stop);
  if (stop.stop_requested()) {
    return {};
  }
  const auto& resources = result.resources;
  if (resources.signal || resources.timed_out || resources.exit_code.value_or(-1) != 0) {
    throw util::Error(failure_message(config, resources, err));
  }
  return parse_listing(config, out);
}

} // namespace bisectr::scheduler
