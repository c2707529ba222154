#include "busy_wait.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <thread>

namespace bisectr::repository::detail {

namespace {

constexpr std::chrono::milliseconds k_tell_after{1000};
constexpr std::chrono::milliseconds k_longest_sleep{100};

} // namespace

BusyWait::BusyWait(std::filesystem::path file, std::chrono::milliseconds timeout,
                   std::function<void(const std::string&)> on_busy)
    : m_file(std::move(file)), m_timeout(timeout), m_on_busy(std::move(on_busy))
{
}

void BusyWait::install(SQLite::Database& db)
{
  sqlite3_busy_handler(db.getHandle(), &BusyWait::handle, this);
}

int BusyWait::handle(void* self, int count)
{
  return static_cast<BusyWait*>(self)->wait(count) ? 1 : 0;
}

bool BusyWait::wait(int count)
{
  auto now = std::chrono::steady_clock::now();
  if (count == 0) {
    m_since = now;
  }
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_since);
  if (waited >= m_timeout) {
    return false; // SQLITE_BUSY: reported as "repository busy"
  }
  if (waited >= k_tell_after && !m_told && m_on_busy) {
    m_told = true;
    m_on_busy("repository busy: another bisectr is writing " + m_file.string() + "; retrying for up to " +
              std::to_string(m_timeout.count() / 1000) + " s");
  }
  auto sleep = std::min({std::chrono::milliseconds(1LL << std::min(count, 7)), k_longest_sleep, m_timeout - waited});
  std::this_thread::sleep_for(sleep);
  return true;
}

} // namespace bisectr::repository::detail
