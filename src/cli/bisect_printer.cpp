#include "bisect_printer.hpp"

#include "bisectr/util/units.hpp"

#include <array>
#include <cstdio>

namespace bisectr::cli {

namespace {

std::string fixed(double value)
{
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.2f", value);
  return buffer.data();
}

std::string rate(const bisect::Verdict& verdict)
{
  return "q≈" + fixed(verdict.q_estimate) + " [" + fixed(verdict.q_interval.low) + ", " + fixed(verdict.q_interval.high) + "]";
}

std::string join_ids(const std::vector<std::string>& ids)
{
  std::string text;
  for (const auto& id : ids) {
    text += (text.empty() ? "" : " + ") + id;
  }
  return text;
}

std::string cost(const bisect::Verdict& verdict, double elapsed_seconds)
{
  return std::to_string(verdict.runs) + " runs, " + util::format_duration(elapsed_seconds);
}

} // namespace

std::string verdict_word(const driver::Outcome& outcome)
{
  return outcome.interrupted || outcome.out_of_time ? "interrupted" : bisect::to_string(outcome.verdict.kind);
}

std::string progress_line(const bisect::Progress& progress, double elapsed_seconds, const driver::SessionConfig& config)
{
  std::string line = std::string("bisect: ") + bisect::to_string(progress.phase) + ", trial " +
                     std::to_string(progress.trials) + ", " + std::to_string(progress.runs) + " runs, " +
                     std::to_string(progress.failures) + " failures, " + util::format_duration(elapsed_seconds);
  if (!progress.suspects.empty()) {
    const auto& top = progress.suspects.front();
    line += ", leading: " + (top.members.empty() ? std::string("fails alone") : config.candidates.at(top.members.front())) +
            " P=" + fixed(top.probability);
  }
  if (progress.remaining_runs > 0.0) {
    line += ", ~" + std::to_string(static_cast<long long>(progress.remaining_runs + 0.5)) + " runs left";
  }
  return line;
}

std::string verdict_sentence(const driver::Outcome& outcome, const driver::SessionConfig& config, double elapsed_seconds)
{
  const auto& v = outcome.verdict;
  auto probability = "P=" + fixed(v.probability);
  if (outcome.interrupted || outcome.out_of_time) {
    return std::string(outcome.out_of_time ? "out of time" : "interrupted") + " after " + cost(v, elapsed_seconds) +
           "; resume with: bisectr bisect --resume " + std::to_string(outcome.session);
  }
  switch (v.kind) {
  case bisect::VerdictKind::Found: {
    auto verb = config.options.inverse ? " fails unless " + join_ids(outcome.culprit_ids) + " runs before it"
                                       : "";
    auto head = config.options.inverse ? config.victim + verb
                                       : join_ids(outcome.culprit_ids) + (outcome.culprit_ids.size() > 1 ? " together make " : " makes ") +
                                           config.victim + " fail";
    return head + ": " + probability + ", " + rate(v) + ", " + cost(v, elapsed_seconds) +
           (v.others_may_exist ? " (other earlier tests may cause it too)" : "");
  }
  case bisect::VerdictKind::FailsAlone:
    return config.victim + " fails on its own: " + probability + ", " + rate(v) + ", " + cost(v, elapsed_seconds);
  case bisect::VerdictKind::NotReproducible:
    return "no reproducible failure: the " + std::string(config.options.inverse ? "victim alone" : "full order") + " failed " +
           std::to_string(v.reproduce_failures) + " times in " + std::to_string(v.reproduce_runs) + " runs (q < " +
           fixed(v.q_interval.high) + " at 95%), " + cost(v, elapsed_seconds);
  case bisect::VerdictKind::Exhausted:
    break;
  }
  std::string suspects;
  for (std::size_t i = 0; i < outcome.suspect_ids.size() && i < 3; ++i) {
    suspects += (i == 0 ? "" : ", ") + outcome.suspect_ids[i] + " P=" + fixed(v.suspects[i].probability);
  }
  return "no verdict within the budget (" + cost(v, elapsed_seconds) + "); leading suspects: " + suspects;
}

nlohmann::json verdict_json(const driver::Outcome& outcome, const driver::SessionConfig& config, double elapsed_seconds)
{
  const auto& v = outcome.verdict;
  auto suspects = nlohmann::json::array();
  for (std::size_t i = 0; i < v.suspects.size(); ++i) {
    auto ids = nlohmann::json::array();
    for (auto index : v.suspects[i].members) {
      ids.push_back(config.candidates.at(index));
    }
    suspects.push_back({{"culprits", ids}, {"probability", v.suspects[i].probability}});
  }
  return {{"verdict", verdict_word(outcome)},
          {"culprits", outcome.culprit_ids},
          {"victim", config.victim},
          {"probability", v.probability},
          {"q", v.q_estimate},
          {"q_interval", {v.q_interval.low, v.q_interval.high}},
          {"others_may_exist", v.others_may_exist},
          {"runs", v.runs},
          {"trials", v.trials},
          {"seconds", elapsed_seconds},
          {"test_seconds", v.test_seconds},
          {"suspects", suspects},
          {"session", outcome.session},
          {"inverse", config.options.inverse}};
}

} // namespace bisectr::cli
