#include "name_table.hpp"

#include <algorithm>
#include <cstring>

namespace bisectr::repository::detail {

namespace {

constexpr std::size_t k_block_bytes = std::size_t{1} << 20;

} // namespace

const std::int64_t* NameTable::find(std::string_view name) const
{
  const auto found = m_ids.find(name);
  return found == m_ids.end() ? nullptr : &found->second;
}

std::string_view NameTable::insert(std::string_view name, std::int64_t id)
{
  if (const auto found = m_ids.find(name); found != m_ids.end()) {
    return found->first;
  }
  const std::string_view stored(copy(name), name.size());
  m_ids.emplace(stored, id);
  return stored;
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
