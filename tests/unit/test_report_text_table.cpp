#include "bisectr/report/text_table.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

using bisectr::report::Align;
using bisectr::report::TableStyle;
using bisectr::report::TextTable;

namespace {

TextTable sample()
{
  TextTable table({{"test", Align::Left}, {"runs", Align::Right}, {"rate", Align::Right}});
  table.add_row({"a.test_one", "120", "3.3%"});
  table.add_row({"b", "7", "100.0%"});
  return table;
}

std::string written(const TextTable& table, TableStyle style)
{
  std::ostringstream out;
  table.write(out, style);
  return out.str();
}

} // namespace

TEST_CASE("report::TextTable")
{
  SUBCASE("aligned: left column padded, numbers right-aligned, no trailing spaces")
  {
    CHECK(written(sample(), TableStyle::Aligned) == "test        runs    rate\n"
                                                    "a.test_one   120    3.3%\n"
                                                    "b              7  100.0%\n");
  }
  SUBCASE("plain: tab-separated, no padding")
  {
    CHECK(written(sample(), TableStyle::Plain) == "test\truns\trate\na.test_one\t120\t3.3%\nb\t7\t100.0%\n");
  }
  SUBCASE("a row with the wrong number of cells is refused")
  {
    TextTable table({{"a"}, {"b"}});
    CHECK_THROWS_AS(table.add_row({"only one"}), std::invalid_argument);
    CHECK(table.row_count() == 0);
  }
  SUBCASE("UTF-8 cells are measured in code points")
  {
    TextTable table({{"name"}, {"n", Align::Right}});
    table.add_row({"caf\xC3\xA9", "1"});
    table.add_row({"tea", "22"});
    CHECK(written(table, TableStyle::Aligned) == "name   n\ncaf\xC3\xA9   1\ntea   22\n");
  }
  SUBCASE("control characters in untrusted cells cannot reach the terminal")
  {
    TextTable table({{"id"}});
    table.add_row({"evil\x1B]0;title\x07\ttab\xC2\x9B" "31m"});
    const std::string text = written(table, TableStyle::Plain);
    CHECK(text == "id\nevil?]0;title??tab?31m\n");
    CHECK(written(table, TableStyle::Aligned).find('\x1B') == std::string::npos);
  }
  SUBCASE("a cleaned cell keeps its width: the columns after it stay aligned")
  {
    TextTable table({{"id"}, {"n", Align::Right}});
    table.add_row({"a\x1B[1m\xC2\x9B", "1"});
    table.add_row({"abcdef", "22"});
    table.add_row({"\xC2\xA0x", "333"});  // U+00A0 is no control: kept, one column wide
    CHECK(written(table, TableStyle::Aligned) == "id        n\n"
                                                 "a?[1m?    1\n"
                                                 "abcdef   22\n"
                                                 "\xC2\xA0x      333\n");
  }
  SUBCASE("many rows are all written, in order")
  {
    TextTable table({{"id"}, {"n", Align::Right}});
    std::string expected = "id\tn\n";
    for (int i = 0; i < 50000; ++i) {
      table.add_row({"test_" + std::to_string(i), std::to_string(i)});
      expected += "test_" + std::to_string(i) + "\t" + std::to_string(i) + "\n";
    }
    CHECK(written(table, TableStyle::Plain) == expected);
  }
}

TEST_CASE("report::display_width")
{
  CHECK(bisectr::report::display_width("") == 0);
  CHECK(bisectr::report::display_width("abc") == 3);
  CHECK(bisectr::report::display_width("\xE2\x96\x81\xE2\x96\x88") == 2);
}
