#include "bisectr/model/status.hpp"
#include "bisectr/model/test_result.hpp"

#include <doctest/doctest.h>

using namespace bisectr::model;

TEST_CASE("model::status names")
{
  for (int i = 0; i <= 8; ++i) {
    auto status = static_cast<Status>(i);
    auto back = status_from_string(to_string(status));
    REQUIRE(back.has_value());
    CHECK(*back == status);
  }
  CHECK(to_string(Status::XFail) == "xfail");
  CHECK(to_string(Status::UxSuccess) == "uxsuccess");
  CHECK_FALSE(status_from_string("passed").has_value());
  CHECK(static_cast<int>(Status::Fail) == 6);  // subunit v2's code
}

TEST_CASE("model::is_final and is_failure")
{
  CHECK_FALSE(is_final(Status::Exists));
  CHECK_FALSE(is_final(Status::InProgress));
  CHECK_FALSE(is_final(Status::Undefined));
  CHECK(is_final(Status::Skip));
  CHECK(is_final(Status::Error));
  CHECK(is_failure(Status::Fail));
  CHECK(is_failure(Status::Error));
  CHECK(is_failure(Status::UxSuccess));
  CHECK_FALSE(is_failure(Status::XFail));
  CHECK_FALSE(is_failure(Status::Skip));
  CHECK_FALSE(is_failure(Status::Success));
}

TEST_CASE("model::TestResult::duration_seconds")
{
  TestResult result;
  CHECK(result.duration_seconds() == 0.0);
  result.start = TimePoint(std::chrono::seconds(100));
  CHECK(result.duration_seconds() == 0.0);
  result.stop = TimePoint(std::chrono::milliseconds(102500));
  CHECK(result.duration_seconds() == doctest::Approx(2.5));
}
