#include "bisectr/driver/bisect_driver.hpp"

#include "bisectr/bisect/engine.hpp"
#include "bisectr/scheduler/trial_runner.hpp"
#include "bisectr/util/error.hpp"

#include <future>

namespace bisectr::driver {

namespace {

// The persisted state: the engine as it was when the current round was planned, plus the results
// of the round's trials that have finished. Replanning from that engine gives the same round
// (plan() is deterministic), so a resumed session reruns only the trials that were in flight.
struct RoundState {
  nlohmann::json engine;
  std::map<std::size_t, bisect::TrialResult> done;
};

nlohmann::json to_json(const RoundState& state)
{
  auto done = nlohmann::json::array();
  for (const auto& [index, result] : state.done) {
    done.push_back({{"index", index}, {"runs", result.runs}, {"failures", result.failures}, {"seconds", result.seconds}});
  }
  return {{"engine", state.engine}, {"round_done", done}};
}

RoundState round_state_from_json(const nlohmann::json& json)
{
  RoundState state{json.at("engine"), {}};
  for (const auto& item : json.at("round_done")) {
    state.done[item.at("index").get<std::size_t>()] = {item.at("runs").get<std::size_t>(),
                                                       item.at("failures").get<std::size_t>(),
                                                       item.at("seconds").get<double>()};
  }
  return state;
}

std::vector<std::string> subset_ids(const SessionConfig& config, const std::vector<std::size_t>& subset)
{
  std::vector<std::string> ids;
  ids.reserve(subset.size() + 1);
  for (auto index : subset) {
    ids.push_back(config.candidates.at(index));
  }
  ids.push_back(config.victim);
  return ids;
}

// Everything one session run shares between its trial threads.
struct SessionRun {
  const Services& services;
  const config::RunnerConfig& runner;
  const SessionConfig& config;
  repository::SessionId id;
  std::stop_source local_stop;  // set on an outer stop or when --max-duration is reached
  util::Clock::Duration started;
};

struct TrialRun {
  bisect::TrialResult result;
  model::RunId last_run = 0;
};

TrialRun run_trial_request(SessionRun& session, const bisect::TrialRequest& request, std::int64_t trial_number)
{
  auto repository = session.services.open_repository();
  scheduler::TrialRequest trial;
  trial.ids = subset_ids(session.config, request.subset);
  trial.victim = session.config.victim;
  trial.session = std::to_string(session.id);
  trial.trial = trial_number;
  trial.extra_args = session.config.extra_args;
  if (session.config.timeout_ms > 0) {
    trial.timeout = std::chrono::milliseconds(session.config.timeout_ms);
  }
  trial.memory_limit_bytes = session.config.memory_limit_bytes;
  TrialRun run;
  auto stop = session.local_stop.get_token();
  while (run.result.runs < request.max_runs && !stop.stop_requested()) {
    trial.trial_run = static_cast<std::int64_t>(run.result.runs);
    auto outcome = scheduler::run_trial(session.runner, *session.services.processes, *repository,
                                        *session.services.clock, trial, stop);
    if (outcome.interrupted) {
      break;
    }
    run.last_run = outcome.run_id;
    ++run.result.runs;
    run.result.seconds += outcome.duration_seconds;
    if (reproduced(session.config.oracle, outcome)) {
      ++run.result.failures;
      break;
    }
  }
  return run;
}

bool trial_complete(const bisect::TrialRequest& request, const TrialRun& run)
{
  return run.result.failures > 0 || run.result.runs >= request.max_runs;
}

nlohmann::json trial_json(const bisect::TrialRequest& request, const bisect::TrialResult& result,
                          const nlohmann::json& suspects)
{
  return {{"kind", bisect::to_string(request.kind)}, {"round", request.round}, {"subset", request.subset},
          {"size", request.subset.size()}, {"max_runs", request.max_runs}, {"runs", result.runs},
          {"failures", result.failures}, {"seconds", result.seconds}, {"suspects", suspects}};
}

// The leading hypotheses as test ids, for the session's record (what the engine believed when
// it planned the trial).
nlohmann::json suspects_json(const bisect::Progress& progress, const SessionConfig& config)
{
  auto list = nlohmann::json::array();
  for (const auto& suspect : progress.suspects) {
    auto tests = nlohmann::json::array();
    for (auto index : suspect.members) {
      tests.push_back(config.candidates.at(index));
    }
    if (suspect.members.empty()) {
      tests.push_back(config.victim + " (alone)");
    }
    list.push_back({{"tests", tests}, {"probability", suspect.probability}});
  }
  return list;
}

void watch_deadline(SessionRun& session, bool& out_of_time)
{
  if (session.config.max_duration_seconds <= 0.0) {
    return;
  }
  auto elapsed = std::chrono::duration<double>(session.services.clock->now() - session.started).count();
  if (elapsed >= session.config.max_duration_seconds) {
    out_of_time = true;
    session.local_stop.request_stop();
  }
}

// Runs one round's unfinished trials in parallel, saving each as it completes; returns false when
// the round was cut short (stop or deadline) and must be resumed later.
bool run_round(SessionRun& session, repository::Repository& repository, RoundState& state,
               const std::vector<bisect::TrialRequest>& round, std::int64_t first_trial, bool& out_of_time,
               const nlohmann::json& suspects, const std::function<void()>& on_trial)
{
  std::vector<std::future<TrialRun>> futures(round.size());
  for (std::size_t i = 0; i < round.size(); ++i) {
    if (state.done.count(i) == 0) {
      futures[i] = std::async(std::launch::async, run_trial_request, std::ref(session), std::cref(round[i]),
                              first_trial + static_cast<std::int64_t>(i));
    }
  }
  std::exception_ptr failure;
  for (bool pending = true; pending;) {
    pending = false;
    for (std::size_t i = 0; i < round.size(); ++i) {
      if (!futures[i].valid()) {
        continue;
      }
      if (futures[i].wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        pending = true;
        continue;
      }
      try {
        auto run = futures[i].get();
        if (trial_complete(round[i], run)) {
          state.done[i] = run.result;
          repository.sessions().record_trial(session.id, trial_json(round[i], run.result, suspects).dump(),
                                             run.last_run == 0 ? std::nullopt : std::optional(run.last_run),
                                             to_json(state).dump(), "running");
          on_trial();
        }
      } catch (...) {
        failure = std::current_exception();
        session.local_stop.request_stop();
      }
    }
    watch_deadline(session, out_of_time);
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return state.done.size() == round.size();
}

} // namespace

Outcome run_session(const Services& services, const config::RunnerConfig& runner, repository::SessionId id,
                    std::stop_token stop, const ProgressHandler& on_progress)
{
  auto repository = services.open_repository();
  auto stored = repository->sessions().load_session(id);
  if (!stored) {
    throw util::UsageError("no bisect session " + std::to_string(id));
  }
  auto config = session_config_from_json(nlohmann::json::parse(stored->config_json));
  // A session killed between its creation and its first saved state resumes from the start.
  auto state = stored->state_json.empty()
                   ? RoundState{bisect::Engine(config.problem, config.options).to_json(), {}}
                   : round_state_from_json(nlohmann::json::parse(stored->state_json));
  auto engine = bisect::Engine::from_json(state.engine);
  SessionRun session{services, runner, config, id, {}, services.clock->now()};
  std::stop_callback forward(stop, [&session] { session.local_stop.request_stop(); });
  // Trials are numbered from the round's start, so a trial rerun after an interruption keeps its number.
  auto trial_number = stored->info.trials - static_cast<std::int64_t>(state.done.size());
  bool out_of_time = false;
  auto report = [&] {
    if (on_progress) {
      on_progress(engine.progress(), std::chrono::duration<double>(services.clock->now() - session.started).count());
    }
  };
  while (!engine.done() && !session.local_stop.stop_requested()) {
    auto round = engine.plan();
    auto suspects = suspects_json(engine.progress(), config);
    if (round.empty() || !run_round(session, *repository, state, round, trial_number, out_of_time, suspects, report)) {
      break;
    }
    std::vector<bisect::TrialResult> results;
    for (std::size_t i = 0; i < round.size(); ++i) {
      results.push_back(state.done.at(i));
    }
    engine.record_round(round, results);
    trial_number += static_cast<std::int64_t>(round.size());
    state = RoundState{engine.to_json(), {}};
    repository->sessions().save_session_state(id, to_json(state).dump(), engine.done() ? "finishing" : "running");
    report();
  }
  auto outcome = outcome_of(config, id, engine);
  outcome.out_of_time = out_of_time && !engine.done();
  outcome.interrupted = outcome.interrupted && !outcome.out_of_time;
  repository->sessions().save_session_state(id, to_json(state).dump(), status_word(outcome));
  return outcome;
}

Outcome outcome_of(const SessionConfig& config, repository::SessionId id, const bisect::Engine& engine)
{
  Outcome outcome;
  outcome.session = id;
  outcome.verdict = engine.verdict();
  outcome.interrupted = !engine.done();
  for (auto index : outcome.verdict.culprits) {
    outcome.culprit_ids.push_back(config.candidates.at(index));
  }
  for (const auto& suspect : outcome.verdict.suspects) {
    outcome.suspect_ids.push_back(suspect.members.empty() ? config.victim + " (alone)"
                                                          : config.candidates.at(suspect.members.front()));
  }
  return outcome;
}

repository::SessionId create_session(repository::Repository& repository, const SessionConfig& config)
{
  bisect::Engine engine(config.problem, config.options);
  auto id = repository.sessions().create_session("bisect", to_json(config).dump());
  repository.sessions().save_session_state(id, to_json(RoundState{engine.to_json(), {}}).dump(), "running");
  return id;
}

std::string status_word(const Outcome& outcome)
{
  if (outcome.interrupted || outcome.out_of_time) {
    return "interrupted";
  }
  return bisect::to_string(outcome.verdict.kind);
}

} // namespace bisectr::driver
