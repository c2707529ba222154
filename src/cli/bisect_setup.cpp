#include "bisect_setup.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "run_ref.hpp"
#include "worker_choice.hpp"

#include <algorithm>
#include <fstream>
#include <map>

namespace bisectr::cli {

namespace {

// Run start-up cost when nothing better is known: a Python interpreter's start.
constexpr double k_default_startup_seconds = 0.3;

std::vector<std::string> read_list(const std::filesystem::path& file)
{
  std::ifstream in(file);
  if (!in) {
    throw util::UsageError("cannot read " + file.string());
  }
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty()) {
      ids.push_back(line);
    }
  }
  return ids;
}

std::string first_failure(const std::vector<model::TestResult>& results, const std::string& worker)
{
  for (const auto& result : results) {
    if (result.worker == worker && model::is_failure(result.status)) {
      return result.test_id;
    }
  }
  throw util::UsageError("worker " + worker + " has no failing test: name the victim with --test");
}

// Durations from the run itself; tests it lacks get their most recent recorded duration.
void fill_problem(const repository::Repository& repository, const std::vector<model::TestResult>& results,
                  driver::SessionConfig& config)
{
  std::map<std::string, double> seconds = repository.recent_durations();
  for (const auto& result : results) {
    seconds[result.test_id] = result.duration_seconds();
  }
  double tests_total = 0.0;
  for (const auto& id : config.candidates) {
    config.problem.candidate_seconds.push_back(seconds.count(id) != 0 ? seconds[id] : 0.0);
    tests_total += config.problem.candidate_seconds.back();
  }
  config.problem.victim_seconds = seconds.count(config.victim) != 0 ? seconds[config.victim] : 0.0;
  config.problem.startup_seconds = k_default_startup_seconds;
  for (const auto& worker : repository.workers(config.run)) {
    double overhead = worker.resources.wall_seconds - tests_total - config.problem.victim_seconds;
    if (worker.name == config.worker && worker.resources.wall_seconds > 0.0 && overhead > 0.0) {
      config.problem.startup_seconds = overhead;
    }
  }
}

void cut_at_victim(std::vector<std::string> order, const std::string& where, driver::SessionConfig& config)
{
  auto at = std::find(order.begin(), order.end(), config.victim);
  if (at == order.end()) {
    throw util::UsageError("test '" + config.victim + "' is not in " + where);
  }
  config.candidates.assign(order.begin(), at);
  if (config.candidates.empty()) {
    throw util::UsageError("'" + config.victim + "' ran first in " + where + ": no earlier test can have caused its failure");
  }
}

} // namespace

void resolve_target(const repository::Repository& repository, const BisectTarget& target, driver::SessionConfig& config)
{
  if (!target.from_list.empty()) {
    auto order = read_list(target.from_list);
    if (order.empty()) {
      throw util::UsageError(target.from_list.string() + " lists no tests");
    }
    config.victim = target.victim.empty() ? order.back() : target.victim;
    cut_at_victim(order, target.from_list.string(), config);
    fill_problem(repository, {}, config);
    return;
  }
  config.run = resolve_run(repository, target.run);
  config.worker = choose_worker(repository, config.run, target.worker);
  auto results = repository.results(config.run, false);
  if (target.victim.empty() && config.options.inverse) {
    throw util::UsageError("--inverse needs the brittle test named with --test");
  }
  config.victim = target.victim.empty() ? first_failure(results, config.worker) : target.victim;
  cut_at_victim(repository.worker_order(config.run, config.worker),
                "the order of " + config.worker + " in run " + std::to_string(config.run), config);
  fill_problem(repository, results, config);
}

} // namespace bisectr::cli
