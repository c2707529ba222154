#pragma once

#include <tsl/hopscotch_map.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

/// The run writer's map from test name to test id: a flat hash map (tsl::hopscotch_map, its
/// hashes stored) over views of names copied into blocks that never move, so that a stored
/// name stays valid (for a batched INSERT) until the table is destroyed, whatever the map does.
/// std::unordered_map<std::string, id> spent 12% of an import of 1,000,000 new tests in its
/// node-chasing lookups, rehashes and frees.
class NameTable
{
public:
  /// The id stored for name, or nullptr when the table does not hold it.
  const std::int64_t* find(std::string_view name) const;
  /// Stores name with id unless the table holds it already; returns the stored copy of the name.
  std::string_view insert(std::string_view name, std::int64_t id);
  /// Makes room for this many names in all without growing.
  void reserve(std::size_t names) { m_ids.reserve(names); }
  std::size_t size() const { return m_ids.size(); }

private:
  const char* copy(std::string_view name);

  using Map = tsl::hopscotch_map<std::string_view, std::int64_t, std::hash<std::string_view>, std::equal_to<>,
                                 std::allocator<std::pair<std::string_view, std::int64_t>>, 30, true>;
  Map m_ids;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::size_t m_block_left = 0;
  char* m_block_next = nullptr;
};

} // namespace bisectr::repository::detail
