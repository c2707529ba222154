#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

/// The run writer's map from test name to test id: open addressing over a flat array of slots,
/// each with the name's hash, and the names copied into blocks that never move, so that a
/// stored name stays valid (for a batched INSERT) until the table is destroyed.
/// std::unordered_map<std::string, id> spent 12% of an import of 1,000,000 new tests in
/// its node-chasing lookups, rehashes and frees.
class NameTable
{
public:
  /// The id stored for name, or nullptr when the table does not hold it.
  const std::int64_t* find(std::string_view name) const;
  /// Stores name with id unless the table holds it already; returns the stored copy of the name,
  /// which is followed by a NUL byte in memory.
  std::string_view insert(std::string_view name, std::int64_t id);
  /// Makes room for this many names in all without growing.
  void reserve(std::size_t names);
  std::size_t size() const { return m_size; }

private:
  struct Slot {
    std::uint64_t hash = 0;
    std::int64_t id = 0;
    const char* data = nullptr;  ///< nullptr: the slot is empty
    std::size_t size = 0;
  };
  /// The slot holding name, or the empty slot where it would go.
  std::size_t probe(std::string_view name, std::uint64_t hash) const;
  void grow(std::size_t slots);
  const char* copy(std::string_view name);

  std::vector<Slot> m_slots;
  std::size_t m_size = 0;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::size_t m_block_left = 0;
  char* m_block_next = nullptr;
};

} // namespace bisectr::repository::detail
