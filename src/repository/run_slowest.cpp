#include "run_slowest.hpp"

#include "statement_cache.hpp"

#include <algorithm>

namespace bisectr::repository::detail {

namespace {

// True when a ranks after b: shorter, or as long and older (results_slowest's old order).
struct RanksAfter {
  template <typename Entry> bool operator()(const Entry& a, const Entry& b) const
  {
    return a.duration_ns != b.duration_ns ? a.duration_ns < b.duration_ns : a.result_id < b.result_id;
  }
};

} // namespace

void SlowestKeeper::add(std::int64_t result_id, std::int64_t test, std::int64_t duration_ns)
{
  const Entry entry{duration_ns, result_id, test};
  // A heap under "ranks after" inverted keeps the fastest kept entry on top, to be evicted.
  const auto top_is_fastest = [](const Entry& a, const Entry& b) { return RanksAfter{}(b, a); };
  if (m_heap.size() < k_slowest_kept) {
    m_heap.push_back(entry);
    std::push_heap(m_heap.begin(), m_heap.end(), top_is_fastest);
    return;
  }
  if (!RanksAfter{}(m_heap.front(), entry)) {
    return;
  }
  std::pop_heap(m_heap.begin(), m_heap.end(), top_is_fastest);
  m_heap.back() = entry;
  std::push_heap(m_heap.begin(), m_heap.end(), top_is_fastest);
}

namespace {

constexpr const char* k_insert = "INSERT INTO run_slowest (run, rank, test, duration_ns) VALUES (?, ?, ?, ?)";

} // namespace

void SlowestKeeper::prepare_statements(StatementCache& statements)
{
  statements.get(k_insert);
}

void SlowestKeeper::write(StatementCache& statements, std::int64_t run) const
{
  std::vector<Entry> ranked = m_heap;
  std::sort(ranked.begin(), ranked.end(), [](const Entry& a, const Entry& b) { return RanksAfter{}(b, a); });
  SQLite::Statement& insert = statements.get(k_insert);
  std::int64_t rank = 0;
  for (const Entry& entry : ranked) {
    insert.bind(1, run);
    insert.bind(2, ++rank);
    insert.bind(3, entry.test);
    insert.bind(4, entry.duration_ns);
    insert.exec();
    insert.reset();
  }
}

} // namespace bisectr::repository::detail
