#pragma once

#include <tsl/hopscotch_map.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

/// The run writer's map from test name to test id: a flat hash map (tsl::hopscotch_map) over
/// views of names copied into blocks that never move, so that a stored name stays valid (for a
/// batched INSERT, or as a worker's previous test) until the table is destroyed, whatever the map
/// does. std::unordered_map<std::string, id> spent 12% of an import of 1,000,000 new tests in its
/// node-chasing lookups, rehashes and frees. A key carries its name's hash, so a new name is
/// hashed once for its lookup and its insert, not three times.
class NameTable
{
public:
  /// A name with (32 bits of) its hash: 16 bytes, so that a bucket of the map stays 32.
  class Key
  {
  public:
    explicit Key(std::string_view name)
        : m_data(name.data()), m_size(static_cast<std::uint32_t>(name.size())),
          m_hash(static_cast<std::uint32_t>(std::hash<std::string_view>{}(name)))
    {
      if (name.size() > UINT32_MAX) {
        throw std::length_error("test name of more than 4 GiB");
      }
    }
    std::string_view name() const { return {m_data, m_size}; }
    std::uint32_t hash() const { return m_hash; }
    bool operator==(const Key& other) const { return m_hash == other.m_hash && name() == other.name(); }
    /// The same name's key with its bytes at `data`.
    Key moved_to(const char* data) const
    {
      Key key = *this;
      key.m_data = data;
      return key;
    }

  private:
    const char* m_data;
    std::uint32_t m_size;
    std::uint32_t m_hash;
  };
  /// A stored name (key.name points into the table's blocks) and its id.
  using Entry = std::pair<Key, std::int64_t>;

  /// The entry for the key's name, or nullptr when the table does not hold it. An entry is valid
  /// until the next insert (which may move it); the name it points to, until destruction.
  const Entry* find(const Key& key) const;
  const std::int64_t* find(std::string_view name) const;
  /// Stores the name with id unless the table holds it already; returns the entry (as find's).
  const Entry& insert(const Key& key, std::int64_t id);
  /// Stores name with id unless the table holds it already; returns the stored copy of the name.
  std::string_view insert(std::string_view name, std::int64_t id);
  /// Calls visit(entry) for every entry, in no particular order.
  template <typename Visit> void for_each(Visit visit) const
  {
    for (const Entry& entry : m_ids) {
      visit(entry);
    }
  }
  /// Makes room for this many names in all without growing.
  void reserve(std::size_t names) { m_ids.reserve(names); }
  std::size_t size() const { return m_ids.size(); }

private:
  const char* copy(std::string_view name);

  struct Hash {
    std::size_t operator()(const Key& key) const { return key.hash(); }
  };
  using Map = tsl::hopscotch_map<Key, std::int64_t, Hash, std::equal_to<Key>, std::allocator<Entry>, 30, false>;
  Map m_ids;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::size_t m_block_left = 0;
  char* m_block_next = nullptr;
};

} // namespace bisectr::repository::detail
