#pragma once

#include "bisectr/stream/reader.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace bisectr::stream {

/// Parser for JUnit XML (pugixml). pugixml needs the whole document in memory, so feed() only
/// buffers (refusing documents above k_max_document) and finish() parses and emits; this is the
/// one reader whose memory grows with the input.
///
/// Test ids, per dialect (one rule covers them all):
///   id = classname + "." + name, or just name when classname is empty or equal to name.
///   - pytest / pytest-xdist (xunit2): classname "pkg.mod.Class" (rootdir-relative), name
///     "test_x[param]" -> "pkg.mod.Class.test_x[param]".
///   - subunit2junitxml: classname is the id up to the method -> the original subunit id.
///   - GoogleTest: classname "Suite", name "Test" -> "Suite.Test" (a --gtest_filter pattern).
///   - Maven Surefire: classname "com.example.FooTest", name "testBar" -> "com.example.FooTest.testBar".
///   - ctest --output-junit: classname == name == the ctest test name -> that name.
///   - jest-junit: classname == name == "Suite title test title" (its defaults) -> that text.
/// Status: <failure> fail (type "uxsuccess" -> uxsuccess), <error> error, <skipped> skip
/// (type "pytest.xfail" -> xfail), GoogleTest status="notrun" or result="skipped" -> skip,
/// otherwise success. Attachments: "traceback" (message, then the element's text),
/// "reason" (skip message), "stdout"/"stderr" (system-out/system-err of the test case).
/// Times: start = the testsuite's timestamp (or the Unix epoch when it has none) plus the times
/// of the suite's earlier test cases; stop = start + time. Workers: a testsuite named
/// "worker-N" or "gwN" (pytest-xdist) tags its test cases worker-N; otherwise no worker.
/// A DOCTYPE is refused (no entity expansion of any kind); nested testsuites are walked without recursion.
class JUnitParser final : public Parser
{
public:
  /// The largest document accepted.
  static constexpr std::size_t k_max_document = std::size_t{1} << 30U;

  JUnitParser(std::string source_name, EventHandler handler);
  void feed(std::string_view bytes) override;
  void finish() override;

private:
  std::string m_source;
  EventHandler m_handler;
  std::string m_buffer;
};

} // namespace bisectr::stream
