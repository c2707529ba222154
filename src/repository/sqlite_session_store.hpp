#pragma once

#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/clock.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>

namespace bisectr::repository::detail {

/// SessionStore over the repository's connection; each call is one transaction.
class SqliteSessionStore final : public SessionStore
{
public:
  /// clock may be nullptr (the system clock); it must outlive the store.
  SqliteSessionStore(SQLite::Database& db, std::filesystem::path file, const util::Clock* clock);

  SessionId create_session(const std::string& kind, const std::string& config_json) override;
  void save_session_state(SessionId id, const std::string& state_json, const std::string& status) override;
  std::int64_t add_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run) override;
  std::int64_t record_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run,
                            const std::string& state_json, const std::string& status) override;
  std::vector<SessionInfo> list_sessions() const override;
  std::optional<Session> load_session(SessionId id) const override;

private:
  std::int64_t now_ns() const;
  void update_state(SessionId id, const std::string& state_json, const std::string& status, std::int64_t now);
  std::int64_t insert_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run,
                            std::int64_t now);
  std::vector<Trial> read_trials(SessionId id) const;

  SQLite::Database& m_db;
  std::filesystem::path m_file;
  util::SystemClock m_system_clock;
  const util::Clock* m_clock;
};

} // namespace bisectr::repository::detail
