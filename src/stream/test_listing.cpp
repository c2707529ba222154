#include "bisectr/stream/test_listing.hpp"

#include "bisectr/stream/subunit_v2_parser.hpp"

#include <unordered_set>

namespace bisectr::stream {

std::vector<std::string> list_test_ids(std::string_view subunit_bytes, const std::string& source_name)
{
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  SubunitV2Parser parser(source_name, [&](const model::Event& event) {
    if (event.status == model::Status::Exists && !event.test_id.empty() && seen.insert(event.test_id).second) {
      ids.push_back(event.test_id);
    }
  });
  parser.feed(subunit_bytes);
  parser.finish();
  return ids;
}

} // namespace bisectr::stream
