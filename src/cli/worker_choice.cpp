#include "worker_choice.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"

#include <set>

namespace bisectr::cli {

namespace {

std::set<std::string> as_set(const std::vector<std::string>& names)
{
  return {names.begin(), names.end()};
}

std::string join(const std::set<std::string>& names)
{
  std::string text;
  for (const auto& name : names) {
    text += (text.empty() ? "" : ", ") + (name.empty() ? std::string("\"\"") : name);
  }
  return text;
}

} // namespace

std::string choose_worker(const repository::Repository& repository, model::RunId run, const std::string& requested)
{
  auto all = as_set(repository.workers_with_results(run, false));
  if (!requested.empty()) {
    if (all.count(requested) == 0) {
      throw util::UsageError("run " + std::to_string(run) + " has no worker '" + requested + "' (workers: " + join(all) + ")");
    }
    return requested;
  }
  if (all.size() == 1) {
    return *all.begin();
  }
  auto failing = as_set(repository.workers_with_results(run, true));
  if (failing.size() == 1) {
    return *failing.begin();
  }
  throw util::UsageError("run " + std::to_string(run) + " has several workers" +
                         (failing.empty() ? "" : " with failures") + ": choose one with --worker (" +
                         join(failing.empty() ? all : failing) + ")");
}

} // namespace bisectr::cli
