#include "bisectr/report/json_views.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace bisectr;

TEST_CASE("report::to_json")
{
  SUBCASE("a flaky test: rates, clusters and times")
  {
    repository::TestStats stats;
    stats.test_id = "<script>";
    stats.runs = 120;
    stats.failures = 4;
    stats.flips = 8;
    stats.first_failure = model::TimePoint{std::chrono::hours{24}};
    stats.failure_workers = {{"worker-1", 4}};
    const auto json = report::to_json(report::assess(stats, report::ClusterOptions{4}));
    CHECK(json["id"] == "<script>");
    CHECK(json["verdict"] == "flaky");
    CHECK(json["failure_rate"]["lower"].get<double>() == doctest::Approx(0.0130375510983506));
    CHECK(json["first_failure"].get<double>() == 86400.0);
    CHECK(json["last_failure"].is_null());
    CHECK(json["worker_cluster"]["name"] == "worker-1");
    CHECK(json["predecessor_cluster"].is_null());
    CHECK(json.dump().find("<script>") != std::string::npos);
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
