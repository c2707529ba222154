#include "bisectr/report/json_views.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using namespace bisectr;

TEST_CASE("report::to_json")
{
  SUBCASE("a flaky test: rates, clusters and times, written as text")
  {
    repository::TestStats stats;
    stats.test_id = "<script>";
    stats.runs = 120;
    stats.failures = 4;
    stats.flips = 8;
    stats.first_failure = model::TimePoint{std::chrono::hours{24}};
    stats.failure_workers = {{"worker-1", 4}};
    std::string text;
    report::append_json(text, report::assess(stats, report::ClusterOptions{4}), 4);
    const auto json = nlohmann::json::parse(text);
    CHECK(json["id"] == "<script>");
    CHECK(json["verdict"] == "flaky");
    CHECK(json["failure_rate"]["lower"].get<double>() == doctest::Approx(0.0130375510983506));
    CHECK(json["first_failure"].get<double>() == 86400.0);
    CHECK(json["last_failure"].is_null());
    CHECK(json["worker_cluster"]["name"] == "worker-1");
    CHECK(json["predecessor_cluster"].is_null());
    CHECK(json["failure_predecessors"].empty());
    CHECK(text.find("<script>") != std::string::npos);
  }
  SUBCASE("the text is what nlohmann's dump(2) gives for the same object, byte for byte")
  {
    repository::TestStats stats;
    stats.test_id = "pkg.test_\"q\"\x01\xff";  // quote, control byte, invalid UTF-8
    stats.runs = 37;
    stats.failures = 9;
    stats.flips = 11;
    stats.first_failure = model::TimePoint{std::chrono::nanoseconds{1700000000123456789}};
    stats.last_failure = model::TimePoint{std::chrono::seconds{1700001000}};
    stats.failure_workers = {{"worker-0", 6}, {"worker-1", 3}};
    stats.failure_predecessors = {{"pkg.test_setter", 8}, {"", 1}};
    for (const auto& assessment : {report::assess(stats, report::ClusterOptions{2, 3, 0.05, 0.8}),
                                   report::assess(repository::TestStats{"pkg.only", 1, 1, 0, {}, {}, {}, {}}, {})}) {
      const auto seconds = [](const std::optional<model::TimePoint>& t) {
        return t ? nlohmann::json(std::chrono::duration<double>(t->time_since_epoch()).count()) : nlohmann::json(nullptr);
      };
      const auto rate = [](const util::Proportion& p) { return nlohmann::json{{"estimate", p.estimate}, {"lower", p.lower}, {"upper", p.upper}}; };
      const auto counts = [](const std::vector<repository::NamedCount>& list) {
        auto out = nlohmann::json::array();
        for (const auto& c : list) {
          out.push_back({{"name", c.name}, {"count", c.count}});
        }
        return out;
      };
      const auto cluster = [](const std::optional<report::Cluster>& c) {
        return c ? nlohmann::json{{"name", c->name}, {"failures", c->failures}, {"share", c->share}} : nlohmann::json(nullptr);
      };
      const auto& s = assessment.stats;
      const nlohmann::json expected = {{"id", s.test_id}, {"verdict", report::to_string(assessment.verdict)}, {"runs", s.runs},
                                       {"failures", s.failures}, {"failure_rate", rate(assessment.failure_rate)},
                                       {"flips", s.flips}, {"flip_rate", rate(assessment.flip_rate)},
                                       {"first_failure", seconds(s.first_failure)}, {"last_failure", seconds(s.last_failure)},
                                       {"failure_workers", counts(s.failure_workers)},
                                       {"failure_predecessors", counts(s.failure_predecessors)},
                                       {"worker_cluster", cluster(assessment.worker_cluster)},
                                       {"predecessor_cluster", cluster(assessment.predecessor_cluster)}};
      std::string text;
      report::append_json(text, assessment, 0);
      CHECK(text == expected.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  SUBCASE("a comparison")
  {
    repository::RunComparison comparison;
    comparison.status_changes = {{"a", model::Status::Success, model::Status::Fail}, {"b", std::nullopt, model::Status::Skip}};
    comparison.moves = {{"c", "worker-0", 3, "worker-1", 0}};
    const auto json = report::to_json(comparison);
    CHECK(json["status_changes"][0]["after"] == "fail");
    CHECK(json["status_changes"][1]["before"].is_null());
    CHECK(json["moves"][0]["after"]["worker"] == "worker-1");
    CHECK(json["duration_changes"].empty());
  }
  SUBCASE("stats of an empty repository")
  {
    const auto json = report::to_json(repository::RepositoryStats{});
    CHECK(json["runs"] == 0);
    CHECK(json["oldest_run"].is_null());
  }
}
