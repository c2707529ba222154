#include "bisectr/report/html_escape.hpp"

#include <doctest/doctest.h>

#include <sstream>

using bisectr::report::html_escape;

TEST_CASE("report::html_escape")
{
  SUBCASE("markup becomes text")
  {
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  }
  SUBCASE("quotes and ampersands, so attributes stay closed")
  {
    CHECK(html_escape(R"(a "b" 'c' & d)") == "a &quot;b&quot; &#39;c&#39; &amp; d");
    CHECK(html_escape("&amp;") == "&amp;amp;");
  }
  SUBCASE("plain text and valid UTF-8 pass through")
  {
    CHECK(html_escape("test_foo.Bar.test_baz[x-1]") == "test_foo.Bar.test_baz[x-1]");
    CHECK(html_escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x8D") == "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x8D");
    CHECK(html_escape("line 1\n\tline 2") == "line 1\n\tline 2");
  }
  SUBCASE("invalid UTF-8 and control bytes become U+FFFD")
  {
    CHECK(html_escape("a\xFFz") == "a\xEF\xBF\xBDz");
    CHECK(html_escape("\xC0\xBC") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
    CHECK(html_escape("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
    CHECK(html_escape(std::string("a\0b", 3)) == "a\xEF\xBF\xBD" "b");
    CHECK(html_escape("\x1B[31m") == "\xEF\xBF\xBD[31m");
  }
  SUBCASE("the stream writer gives the same text")
  {
    std::ostringstream out;
    bisectr::report::write_html_escaped(out, "<a href=\"x\">&</a>");
    CHECK(out.str() == html_escape("<a href=\"x\">&</a>"));
  }
}
