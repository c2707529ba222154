#include "worker_choice.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"

#include <set>

namespace bisectr::cli {

namespace {

std::set<std::string> workers_of(const std::vector<model::TestResult>& results)
{
  std::set<std::string> names;
  for (const auto& result : results) {
    names.insert(result.worker);
  }
  return names;
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
  auto all = workers_of(repository.results(run, false));
  if (!requested.empty()) {
    if (all.count(requested) == 0) {
      throw util::UsageError("run " + std::to_string(run) + " has no worker '" + requested + "' (workers: " + join(all) + ")");
    }
    return requested;
  }
  if (all.size() == 1) {
    return *all.begin();
  }
  auto failing = workers_of(repository.failing(run));
  if (failing.size() == 1) {
    return *failing.begin();
  }
  throw util::UsageError("run " + std::to_string(run) + " has several workers" +
                         (failing.empty() ? "" : " with failures") + ": choose one with --worker (" +
                         join(failing.empty() ? all : failing) + ")");
}

} // namespace bisectr::cli
