#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <doctest/doctest.h>

using namespace bisectr;
using bisectr::test::at;

namespace {

// A wall clock that advances one second per reading.
class SteppingClock final : public util::Clock
{
public:
  Duration now() const override { return Duration(m_ticks); }
  std::chrono::system_clock::time_point wall_now() const override
  {
    ++m_ticks;
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        at(static_cast<double>(m_ticks)).time_since_epoch()));
  }

private:
  mutable std::int64_t m_ticks = 0;
};

} // namespace

TEST_CASE("repository::SessionStore")
{
  test::TempDir dir;
  SteppingClock clock;
  repository::SqliteOptions options;
  options.clock = &clock;
  auto repo = repository::open_sqlite_repository(dir.path(), true, options);
  auto& store = repo->sessions();

  SUBCASE("a session keeps config, state, status and trials in order across reopening")
  {
    const auto id = store.create_session("bisect", R"({"victim":"t.v"})");
    const auto run = test::write_run(*repo, {test::make_result("t.v", model::Status::Fail, "w", 0)});
    CHECK(store.add_trial(id, R"({"subset":[1,2]})", run) == 0);
    store.save_session_state(id, R"({"p":0.5})", "running");
    CHECK(store.record_trial(id, R"({"subset":[1]})", std::nullopt, R"({"p":0.9})", "found") == 1);
    repo.reset();

    auto reopened = repository::open_sqlite_repository(dir.path(), false, options);
    const auto session = reopened->sessions().load_session(id);
    REQUIRE(session.has_value());
    CHECK(session->info.kind == "bisect");
    CHECK(session->info.status == "found");
    CHECK(session->info.created == at(1.0));
    CHECK(session->info.updated == at(4.0));
    CHECK(session->info.trials == 2);
    CHECK(session->config_json == R"({"victim":"t.v"})");
    CHECK(session->state_json == R"({"p":0.9})");
    REQUIRE(session->trials.size() == 2);
    CHECK(session->trials[0].index == 0);
    CHECK(session->trials[0].json == R"({"subset":[1,2]})");
    CHECK(session->trials[0].run == run);
    CHECK(session->trials[0].recorded == at(2.0));
    CHECK(session->trials[1].json == R"({"subset":[1]})");
    CHECK_FALSE(session->trials[1].run.has_value());
  }
  SUBCASE("sessions are listed oldest first with their trial counts")
  {
    const auto a = store.create_session("bisect", "{}");
    const auto b = store.create_session("bisect", "{}");
    store.add_trial(b, "{}", std::nullopt);
    const auto sessions = store.list_sessions();
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].id == a);
    CHECK(sessions[0].status == "created");
    CHECK(sessions[0].trials == 0);
    CHECK(sessions[1].id == b);
    CHECK(sessions[1].trials == 1);
  }
  SUBCASE("an unknown session is nullopt to load and a usage error to write")
  {
    CHECK_FALSE(store.load_session(99).has_value());
    CHECK_THROWS_AS(store.save_session_state(99, "{}", "running"), util::UsageError);
    CHECK_THROWS_AS(store.add_trial(99, "{}", std::nullopt), util::UsageError);
    CHECK(store.list_sessions().empty());
  }
}
