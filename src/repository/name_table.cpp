#include "name_table.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace bisectr::repository::detail {

namespace {

constexpr std::size_t k_min_slots = 64;
constexpr std::size_t k_block_bytes = std::size_t{1} << 20;

std::uint64_t hash_of(std::string_view name)
{
  return std::hash<std::string_view>{}(name);
}

} // namespace

std::size_t NameTable::probe(std::string_view name, std::uint64_t hash) const
{
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = m_slots[i];
    if (slot.data == nullptr ||
        (slot.hash == hash && slot.size == name.size() && std::memcmp(slot.data, name.data(), name.size()) == 0)) {
      return i;
    }
  }
}

const std::int64_t* NameTable::find(std::string_view name) const
{
  if (m_slots.empty()) {
    return nullptr;
  }
  const Slot& slot = m_slots[probe(name, hash_of(name))];
  return slot.data == nullptr ? nullptr : &slot.id;
}

std::string_view NameTable::insert(std::string_view name, std::int64_t id)
{
  // At most half full: linear probes stay short.
  if (2 * (m_size + 1) > m_slots.size()) {
    grow(std::max(k_min_slots, 2 * m_slots.size()));
  }
  const std::uint64_t hash = hash_of(name);
  Slot& slot = m_slots[probe(name, hash)];
  if (slot.data == nullptr) {
    slot = Slot{hash, id, copy(name), name.size()};
    ++m_size;
  }
  return {slot.data, slot.size};
}

void NameTable::reserve(std::size_t names)
{
  std::size_t slots = k_min_slots;
  while (slots < 2 * names) {
    slots *= 2;
  }
  if (slots > m_slots.size()) {
    grow(slots);
  }
}

void NameTable::grow(std::size_t slots)
{
  std::vector<Slot> old(slots);
  old.swap(m_slots);
  const std::size_t mask = m_slots.size() - 1;
  for (const Slot& slot : old) {
    if (slot.data != nullptr) {
      std::size_t i = slot.hash & mask;
      while (m_slots[i].data != nullptr) {
        i = (i + 1) & mask;
      }
      m_slots[i] = slot;
    }
  }
}

const char* NameTable::copy(std::string_view name)
{
  // Each name is followed by a NUL, so that it can be bound as a C string (BatchInserter).
  if (name.size() + 1 > m_block_left) {
    const std::size_t bytes = std::max(k_block_bytes, name.size() + 1);
    m_blocks.push_back(std::make_unique_for_overwrite<char[]>(bytes));
    m_block_next = m_blocks.back().get();
    m_block_left = bytes;
  }
  char* stored = m_block_next;
  if (!name.empty()) {
    std::memcpy(stored, name.data(), name.size());
  }
  stored[name.size()] = '\0';
  m_block_next += name.size() + 1;
  m_block_left -= name.size() + 1;
  return stored;
}

} // namespace bisectr::repository::detail
