#include "bisectr/report/trial_view.hpp"

#include <doctest/doctest.h>

using bisectr::report::read_suspects;
using bisectr::report::read_trial;
using bisectr::repository::Trial;

TEST_CASE("report::read_trial")
{
  SUBCASE("fields under request and result")
  {
    const auto view = read_trial({4, R"({"request":{"kind":"search","subset":[1,2,3]},"result":{"runs":2,"failures":1}})",
                                  9, {}});
    CHECK(view.parsed);
    CHECK(view.index == 4);
    CHECK(view.run == 9);
    CHECK(view.kind == "search");
    CHECK(view.subset_size == 3);
    CHECK(view.runs == 2);
    CHECK(view.failures == 1);
    CHECK_FALSE(view.candidates);
  }
  SUBCASE("top-level counts and an object of suspects, most probable first")
  {
    const auto view = read_trial({0, R"({"candidate_count":17,"probabilities":{"a":0.1,"b":0.8}})", std::nullopt, {}});
    CHECK(view.candidates == 17);
    REQUIRE(view.suspects.size() == 2);
    CHECK(view.suspects[0].name == "b");
    CHECK(view.suspects[0].probability == doctest::Approx(0.8));
  }
  SUBCASE("an array of suspect sets names them joined")
  {
    const auto suspects = read_suspects(R"({"state":{"leading":[{"tests":["x","y"],"p":0.4}]}})");
    REQUIRE(suspects.size() == 1);
    CHECK(suspects[0].name == "x + y");
  }
  SUBCASE("text that is not JSON is kept as it is")
  {
    const auto view = read_trial({1, "oops {", std::nullopt, {}});
    CHECK_FALSE(view.parsed);
    CHECK(view.compact_json == "oops {");
    CHECK(read_suspects("oops").empty());
  }
}
