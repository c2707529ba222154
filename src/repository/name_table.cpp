#include "name_table.hpp"

#include <algorithm>
#include <cstring>

namespace bisectr::repository::detail {

namespace {

constexpr std::size_t k_block_bytes = std::size_t{1} << 20;

} // namespace

const NameTable::Entry* NameTable::find(const Key& key) const
{
  const auto found = m_ids.find(key);
  return found == m_ids.end() ? nullptr : &*found;
}

const std::int64_t* NameTable::find(std::string_view name) const
{
  const Entry* found = find(Key(name));
  return found == nullptr ? nullptr : &found->second;
}

const NameTable::Entry& NameTable::insert(const Key& key, std::int64_t id)
{
  if (const Entry* found = find(key)) {
    return *found;
  }
  return *m_ids.emplace(key.moved_to(copy(key.name())), id).first;
}

std::string_view NameTable::insert(std::string_view name, std::int64_t id)
{
  return insert(Key(name), id).first.name();
}

const char* NameTable::copy(std::string_view name)
{
  if (name.size() > m_block_left) {
    const std::size_t bytes = std::max(k_block_bytes, name.size());
    m_blocks.push_back(std::make_unique_for_overwrite<char[]>(bytes));
    m_block_next = m_blocks.back().get();
    m_block_left = bytes;
  }
  char* stored = m_block_next;
  if (!name.empty()) {
    std::memcpy(stored, name.data(), name.size());
  }
  m_block_next += name.size();
  m_block_left -= name.size();
  return stored;
}

} // namespace bisectr::repository::detail
