#include "sqlite_session_store.hpp"

#include "bisectr/util/error.hpp"
#include "sqlite_support.hpp"

namespace bisectr::repository::detail {

namespace {

constexpr const char* k_select_infos = "SELECT s.id, s.kind, s.status, s.created_ns, s.updated_ns, "
                                       "(SELECT count(*) FROM session_trials t WHERE t.session = s.id) FROM sessions s";

SessionInfo info_from_row(const SQLite::Statement& row)
{
  SessionInfo info;
  info.id = row.getColumn(0).getInt64();
  info.kind = row.getColumn(1).getString();
  info.status = row.getColumn(2).getString();
  info.created = from_ns(row.getColumn(3).getInt64());
  info.updated = from_ns(row.getColumn(4).getInt64());
  info.trials = row.getColumn(5).getInt64();
  return info;
}

util::UsageError unknown_session(SessionId id)
{
  return util::UsageError("no session " + std::to_string(id) + " in the repository");
}

} // namespace

SqliteSessionStore::SqliteSessionStore(SQLite::Database& db, std::filesystem::path file, const util::Clock* clock)
    : m_db(db), m_file(std::move(file)), m_clock(clock != nullptr ? clock : &m_system_clock)
{
}

std::int64_t SqliteSessionStore::now_ns() const
{
  const auto wall = m_clock->wall_now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(wall.time_since_epoch()).count();
}

SessionId SqliteSessionStore::create_session(const std::string& kind, const std::string& config_json)
{
  return guarded(m_file, [&] {
    SQLite::Statement insert(m_db, "INSERT INTO sessions (kind, config, status, created_ns, updated_ns) "
                                   "VALUES (?, ?, 'created', ?, ?)");
    const std::int64_t now = now_ns();
    insert.bind(1, kind);
    insert.bind(2, config_json);
    insert.bind(3, now);
    insert.bind(4, now);
    insert.exec();
    return m_db.getLastInsertRowid();
  });
}

void SqliteSessionStore::update_state(SessionId id, const std::string& state_json, const std::string& status,
                                      std::int64_t now)
{
  SQLite::Statement update(m_db, "UPDATE sessions SET state = ?, status = ?, updated_ns = ? WHERE id = ?");
  update.bind(1, state_json);
  update.bind(2, status);
  update.bind(3, now);
  update.bind(4, id);
  if (update.exec() == 0) {
    throw unknown_session(id);
  }
}

std::int64_t SqliteSessionStore::insert_trial(SessionId id, const std::string& trial_json,
                                              std::optional<model::RunId> run, std::int64_t now)
{
  SQLite::Statement touch(m_db, "UPDATE sessions SET updated_ns = ? WHERE id = ?");
  touch.bind(1, now);
  touch.bind(2, id);
  if (touch.exec() == 0) {
    throw unknown_session(id);
  }
  SQLite::Statement next(m_db, "SELECT coalesce(max(idx) + 1, 0) FROM session_trials WHERE session = ?");
  next.bind(1, id);
  next.executeStep();
  const std::int64_t index = next.getColumn(0).getInt64();
  SQLite::Statement insert(m_db, "INSERT INTO session_trials (session, idx, trial, run, recorded_ns) "
                                 "VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, id);
  insert.bind(2, index);
  insert.bind(3, trial_json);
  bind_optional(insert, 4, run);
  insert.bind(5, now);
  insert.exec();
  return index;
}

void SqliteSessionStore::save_session_state(SessionId id, const std::string& state_json, const std::string& status)
{
  guarded(m_file, [&] {
    WriteTransaction transaction(m_db);
    update_state(id, state_json, status, now_ns());
    transaction.commit();
  });
}

std::int64_t SqliteSessionStore::add_trial(SessionId id, const std::string& trial_json, std::optional<model::RunId> run)
{
  return guarded(m_file, [&] {
    WriteTransaction transaction(m_db);
    const std::int64_t index = insert_trial(id, trial_json, run, now_ns());
    transaction.commit();
    return index;
  });
}

std::int64_t SqliteSessionStore::record_trial(SessionId id, const std::string& trial_json,
                                              std::optional<model::RunId> run, const std::string& state_json,
                                              const std::string& status)
{
  return guarded(m_file, [&] {
    WriteTransaction transaction(m_db);
    const std::int64_t now = now_ns();
    const std::int64_t index = insert_trial(id, trial_json, run, now);
    update_state(id, state_json, status, now);
    transaction.commit();
    return index;
  });
}

std::vector<SessionInfo> SqliteSessionStore::list_sessions() const
{
  return guarded(m_file, [&] {
    SQLite::Statement query(m_db, std::string(k_select_infos) + " ORDER BY s.id");
    std::vector<SessionInfo> sessions;
    while (query.executeStep()) {
      sessions.push_back(info_from_row(query));
    }
    return sessions;
  });
}

std::vector<Trial> SqliteSessionStore::read_trials(SessionId id) const
{
  SQLite::Statement query(m_db, "SELECT idx, trial, run, recorded_ns FROM session_trials WHERE session = ? "
                                "ORDER BY idx");
  query.bind(1, id);
  std::vector<Trial> trials;
  while (query.executeStep()) {
    Trial trial;
    trial.index = query.getColumn(0).getInt64();
    trial.json = query.getColumn(1).getString();
    trial.run = optional_int64(query.getColumn(2));
    trial.recorded = from_ns(query.getColumn(3).getInt64());
    trials.push_back(std::move(trial));
  }
  return trials;
}

std::optional<Session> SqliteSessionStore::load_session(SessionId id) const
{
  return guarded(m_file, [&]() -> std::optional<Session> {
    SQLite::Statement query(m_db, std::string(k_select_infos) + " WHERE s.id = ?");
    query.bind(1, id);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    Session session;
    session.info = info_from_row(query);
    SQLite::Statement texts(m_db, "SELECT config, state FROM sessions WHERE id = ?");
    texts.bind(1, id);
    texts.executeStep();
    session.config_json = texts.getColumn(0).getString();
    session.state_json = texts.getColumn(1).getString();
    session.trials = read_trials(id);
    // A trial may have landed between the two reads; the list is what the caller sees.
    session.info.trials = static_cast<std::int64_t>(session.trials.size());
    return session;
  });
}

} // namespace bisectr::repository::detail
