#include "wal_vfs.hpp"

#include "bisectr/util/error.hpp"
#include "buffered_file.hpp"

#include <sqlite3.h>

#include <mutex>

namespace bisectr::repository::detail {

namespace {

constexpr const char* k_name = "bisectr-unix";

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs{};

int open_below(sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags)
{
  if ((flags & SQLITE_OPEN_WAL) != 0 && (flags & SQLITE_OPEN_CREATE) != 0 && name != nullptr) {
    // Without SQLITE_OPEN_CREATE the unix VFS neither creates the file nor marks it for a
    // directory sync. A WAL that does not exist fails here and is created below, as usual.
    if (g_base->xOpen(g_base, name, file, flags & ~SQLITE_OPEN_CREATE, out_flags) == SQLITE_OK) {
      return SQLITE_OK;
    }
  }
  return g_base->xOpen(g_base, name, file, flags, out_flags);
}

int open_file(sqlite3_vfs* /*vfs*/, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags)
{
  sqlite3_file* below = buffered_file_below(file);
  return attach_buffered_file(name, file, flags, open_below(name, below, flags, out_flags));
}

void register_vfs()
{
  g_base = sqlite3_vfs_find(nullptr);
  if (g_base == nullptr) {
    throw util::RepositoryError("SQLite has no default VFS");
  }
  g_vfs = *g_base;  // every other method, and the unix VFS's own pAppData, as they are
  g_vfs.pNext = nullptr;
  g_vfs.zName = k_name;
  g_vfs.szOsFile = buffered_file_size(g_base->szOsFile);
  g_vfs.xOpen = open_file;
  if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) {
    throw util::RepositoryError("cannot register the SQLite VFS " + std::string(k_name));
  }
}

} // namespace

const char* wal_vfs_name()
{
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return k_name;
}

} // namespace bisectr::repository::detail
