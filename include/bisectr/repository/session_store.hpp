#pragma once

#include "bisectr/model/run.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::repository {

using SessionId = std::int64_t;

/// A bisect (or other long-running) session's header as `bisect --list` shows it.
struct SessionInfo {
  SessionId id = 0;
  std::string kind;   ///< e.g. "bisect"
  std::string status; ///< free text the engine chooses ("running", "found", ...)
  model::TimePoint created{};
  model::TimePoint updated{}; ///< time of the last state save or trial
  std::int64_t trials = 0;    ///< number of trials recorded
};

/// One recorded trial of a session; the JSON is the engine's, stored verbatim.
struct Trial {
  std::int64_t index = 0; ///< 0, 1, 2, ... in the order they were added
  std::string json;
  std::optional<model::RunId> run; ///< the run the trial recorded, if any (unset once removed)
  model::TimePoint recorded{};
};

/// Everything needed to resume or show a session.
struct Session {
  SessionInfo info;
  std::string config_json;   ///< as given to create_session
  std::string state_json;    ///< the last saved state ("" before the first save)
  std::vector<Trial> trials; ///< in the order they were added
};

/// Durable session state; every call is its own transaction, so a crash loses at most the
/// call in flight.
class SessionStore
{
public:
  virtual ~SessionStore() = default;
  /// Creates a session with status "created" and returns its id.
  virtual SessionId create_session(const std::string& kind, const std::string& config_json) = 0;
  /// Replaces the session's state and status; throws util::UsageError for an unknown id.
  virtual void save_session_state(SessionId id, const std::string& state_json, const std::string& status) = 0;
  /// Appends a trial and returns its index; throws util::UsageError for an unknown id.
  virtual std::int64_t add_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run) = 0;
  /// Appends a trial and replaces state and status in one transaction; returns the trial's index.
  virtual std::int64_t record_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run,
                                    const std::string& state_json, const std::string& status) = 0;
  /// All sessions, oldest first.
  virtual std::vector<SessionInfo> list_sessions() const = 0;
  /// A whole session with its trials in order; nullopt for an unknown id.
  virtual std::optional<Session> load_session(SessionId id) const = 0;
};

} // namespace bisectr::repository
