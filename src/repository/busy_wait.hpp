#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace bisectr::repository::detail {

/// SQLite's busy handler for one connection: waits for another process's lock as busy_timeout
/// would (short sleeps growing to 100 ms, up to the timeout), and says once, through on_busy,
/// when a wait has passed a second, so a blocked command is not mistaken for a hung one.
class BusyWait
{
public:
  BusyWait(std::filesystem::path file, std::chrono::milliseconds timeout, std::function<void(const std::string&)> on_busy);
  BusyWait(const BusyWait&) = delete;
  BusyWait& operator=(const BusyWait&) = delete;
  /// Makes this object db's busy handler; it must outlive db's use.
  void install(SQLite::Database& db);

private:
  static int handle(void* self, int count);
  bool wait(int count);

  std::filesystem::path m_file;
  std::chrono::milliseconds m_timeout;
  std::function<void(const std::string&)> m_on_busy;
  std::chrono::steady_clock::time_point m_since;
  bool m_told = false;
};

} // namespace bisectr::repository::detail
