#include "bisectr/stream/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using bisectr::stream::is_valid_utf8;

TEST_CASE("stream::is_valid_utf8")
{
  SUBCASE("accepts ASCII and well-formed sequences of every length, at any position")
  {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("pkg.module.TestCase.test_method_with_a_long_name[param-1]"));
    CHECK(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    const std::string long_ascii(100, 'a');
    CHECK(is_valid_utf8(long_ascii + "\xC3\xA9" + long_ascii));
  }
  SUBCASE("refuses bad bytes, also after a long ASCII prefix")
  {
    const std::string prefix(40, 'a');
    for (const std::string bad : {"\xFF", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                  "\x80", "\xE2\x82", "\xF0\x9F\x98"}) {
      CAPTURE(bad.size());
      CHECK_FALSE(is_valid_utf8(bad));
      CHECK_FALSE(is_valid_utf8(prefix + bad));
      CHECK_FALSE(is_valid_utf8(prefix + bad + prefix));
    }
  }
}
