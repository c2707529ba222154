#include "bisectr/report/trial_view.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>

namespace bisectr::report {

namespace {

using nlohmann::json;

// The engine's layout is its own; these lookups accept the plausible places rather than one.
const json* find_field(const json& document, std::string_view key)
{
  if (!document.is_object()) {
    return nullptr;
  }
  for (const char* scope : {"", "request", "result", "state"}) {
    const json* object = &document;
    if (*scope != '\0') {
      const auto it = document.find(scope);
      if (it == document.end() || !it->is_object()) {
        continue;
      }
      object = &*it;
    }
    const auto found = object->find(std::string(key));
    if (found != object->end()) {
      return &*found;
    }
  }
  return nullptr;
}

std::optional<std::int64_t> count_field(const json& document, std::initializer_list<std::string_view> keys)
{
  for (const auto key : keys) {
    const json* value = find_field(document, key);
    if (value == nullptr) {
      continue;
    }
    if (value->is_array()) {
      return static_cast<std::int64_t>(value->size());
    }
    if (value->is_number()) {
      return value->get<std::int64_t>();
    }
  }
  return std::nullopt;
}

std::string suspect_name(const json& entry)
{
  for (const char* key : {"name", "test", "test_id", "id", "tests", "set"}) {
    const auto it = entry.find(key);
    if (it == entry.end()) {
      continue;
    }
    if (it->is_string()) {
      return it->get<std::string>();
    }
    if (it->is_array()) {
      std::string joined;
      for (const auto& part : *it) {
        joined += (joined.empty() ? "" : " + ") + (part.is_string() ? part.get<std::string>() : part.dump());
      }
      return joined;
    }
    return it->dump();
  }
  return entry.dump();
}

std::optional<double> suspect_probability(const json& entry)
{
  for (const char* key : {"probability", "p", "posterior"}) {
    const auto it = entry.find(key);
    if (it != entry.end() && it->is_number()) {
      return it->get<double>();
    }
  }
  return std::nullopt;
}

std::vector<Suspect> suspects_of(const json& document)
{
  std::vector<Suspect> suspects;
  for (const char* key : {"suspects", "leading", "probabilities", "posterior"}) {
    const json* value = find_field(document, key);
    if (value == nullptr) {
      continue;
    }
    if (value->is_object()) {
      for (const auto& [name, probability] : value->items()) {
        if (probability.is_number()) {
          suspects.push_back({name, probability.get<double>()});
        }
      }
    } else if (value->is_array()) {
      for (const auto& entry : *value) {
        const auto probability = entry.is_object() ? suspect_probability(entry) : std::nullopt;
        if (probability) {
          suspects.push_back({suspect_name(entry), *probability});
        }
      }
    }
    if (!suspects.empty()) {
      break;
    }
  }
  std::stable_sort(suspects.begin(), suspects.end(),
                   [](const auto& a, const auto& b) { return a.probability > b.probability; });
  return suspects;
}

} // namespace

TrialView read_trial(const repository::Trial& trial)
{
  TrialView view;
  view.index = trial.index;
  view.recorded = trial.recorded;
  view.run = trial.run;
  const json document = json::parse(trial.json, nullptr, false);
  if (document.is_discarded()) {
    view.compact_json = trial.json;
    return view;
  }
  view.parsed = true;
  view.compact_json = document.dump(-1, ' ', false, json::error_handler_t::replace);
  if (const json* kind = find_field(document, "kind"); kind != nullptr && kind->is_string()) {
    view.kind = kind->get<std::string>();
  }
  view.subset_size = count_field(document, {"subset", "subset_size"});
  view.candidates = count_field(document, {"candidates", "candidate_count", "remaining"});
  view.runs = count_field(document, {"runs"});
  view.failures = count_field(document, {"failures"});
  view.suspects = suspects_of(document);
  return view;
}

std::vector<Suspect> read_suspects(const std::string& json_text)
{
  const json document = json::parse(json_text, nullptr, false);
  return document.is_discarded() ? std::vector<Suspect>{} : suspects_of(document);
}

} // namespace bisectr::report
