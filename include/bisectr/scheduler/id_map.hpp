#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bisectr::scheduler {

/// The key pytest's JUnit XML gives a node id once a JUnit reader joins classname + "." + name:
/// "tests/test_x.py::TestC::test_f[p]" -> "tests.test_x.TestC.test_f[p]" (pytest's
/// mangle_test_address: params split off at the first '[', '/' -> '.', ".py" dropped).
std::string pytest_junit_key(std::string_view node_id);

/// Maps the ids a result stream names back to the ids the list command printed.
class IdMap
{
public:
  /// The identity map: stream ids are listed ids.
  IdMap() = default;
  /// A map from each node id's pytest JUnit key back to the node id (first listed wins on a clash).
  static IdMap pytest(const std::vector<std::string>& node_ids);
  /// The listed id for a stream id; the stream id itself when the map does not know it.
  std::string map(const std::string& stream_id) const;
  /// True when this map rewrites nothing.
  bool is_identity() const { return m_keys.empty(); }

private:
  std::unordered_map<std::string, std::string> m_keys;
};

} // namespace bisectr::scheduler
