#include "bisectr/report/sparkline.hpp"

#include <doctest/doctest.h>

using bisectr::model::Status;
using bisectr::report::SparkCharset;
using bisectr::report::sparkline;

TEST_CASE("report::sparkline")
{
  const std::vector<Status> outcomes{Status::Success, Status::Fail,  Status::Skip,
                                     Status::XFail,   Status::Error, Status::InProgress};
  SUBCASE("ascii: one character per outcome, oldest first")
  {
    CHECK(sparkline(outcomes, SparkCharset::Ascii) == ".Fs.F?");
  }
  SUBCASE("unicode block elements")
  {
    CHECK(sparkline({Status::Success, Status::Fail, Status::Skip}, SparkCharset::Unicode) ==
          "\u2581\u2588\u00B7");
  }
  SUBCASE("empty history is an empty line")
  {
    CHECK(sparkline({}, SparkCharset::Ascii).empty());
  }
  SUBCASE("long histories keep the newest outcomes behind a marker")
  {
    std::vector<Status> many(100, Status::Success);
    many.back() = Status::Fail;
    const auto line = sparkline(many, SparkCharset::Ascii, 10);
    CHECK(line.size() == 10);
    CHECK(line == "<........F");
    CHECK(sparkline(many, SparkCharset::Ascii, 0).size() == 100);
  }
  SUBCASE("uxsuccess counts as a failure, as testr counts it")
  {
    CHECK(sparkline({Status::UxSuccess}, SparkCharset::Ascii) == "F");
  }
}
