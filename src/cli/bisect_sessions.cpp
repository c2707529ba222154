#include "bisect_sessions.hpp"

#include "bisectr/bisect/engine.hpp"
#include "bisectr/driver/bisect_driver.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/error.hpp"
#include "bisect_printer.hpp"
#include "json_model.hpp"

#include <iomanip>

namespace bisectr::cli {

namespace {

double epoch_seconds(const model::TimePoint& time)
{
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

} // namespace

void list_bisect_sessions(const Context& context, bool json)
{
  auto repository = context.open_repository();
  auto& store = repository->sessions();
  auto sessions = store.list_sessions();
  auto list = nlohmann::json::array();
  if (!json) {
    *context.out << std::left << std::setw(6) << "id" << std::setw(18) << "status" << std::setw(8) << "trials" << "victim\n";
  }
  for (const auto& info : sessions) {
    auto session = store.load_session(info.id);
    auto config = driver::session_config_from_json(nlohmann::json::parse(session->config_json));
    if (json) {
      list.push_back({{"id", info.id}, {"status", info.status}, {"trials", info.trials}, {"victim", config.victim},
                      {"run", config.run}, {"created", epoch_seconds(info.created)}, {"updated", epoch_seconds(info.updated)}});
    } else {
      *context.out << std::left << std::setw(6) << info.id << std::setw(18) << info.status << std::setw(8) << info.trials
                   << config.victim << '\n';
    }
  }
  if (json) {
    print_json(*context.out, list);
  }
}

void show_bisect_session(const Context& context, std::int64_t id, bool json)
{
  auto repository = context.open_repository();
  auto session = repository->sessions().load_session(id);
  if (!session) {
    throw util::UsageError("no bisect session " + std::to_string(id));
  }
  auto config_json = nlohmann::json::parse(session->config_json);
  auto config = driver::session_config_from_json(config_json);
  auto state = nlohmann::json::parse(session->state_json);
  auto outcome = driver::outcome_of(config, id, bisect::Engine::from_json(state.at("engine")));
  if (json) {
    auto document = verdict_json(outcome, config, 0.0);
    document["status"] = session->info.status;
    document["config"] = config_json;
    auto& trials = document["trial_log"] = nlohmann::json::array();
    for (const auto& trial : session->trials) {
      trials.push_back({{"index", trial.index}, {"run", trial.run ? nlohmann::json(*trial.run) : nlohmann::json(nullptr)},
                        {"trial", nlohmann::json::parse(trial.json)}});
    }
    print_json(*context.out, document);
    return;
  }
  *context.out << "session " << id << " (" << session->info.status << "): " << config.candidates.size()
               << " candidates before " << config.victim << ", confidence " << config.options.confidence << '\n';
  for (const auto& trial : session->trials) {
    auto t = nlohmann::json::parse(trial.json);
    *context.out << "  trial " << trial.index << ": " << t.value("kind", "") << ", " << t.value("size", 0) << " tests, "
                 << t.value("runs", 0) << " runs, " << (t.value("failures", 0) > 0 ? "FAILED" : "passed") << '\n';
  }
  *context.out << verdict_sentence(outcome, config, 0.0) << '\n';
}

} // namespace bisectr::cli
