#include "buffered_file.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace bisectr::repository::detail {

namespace {

// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length with 0x1ffff). Here
// 64 KiB pieces wrote and synced 15 MB as fast as 1 MiB ones.
constexpr std::size_t k_capacity = std::size_t{64} << 10;

struct BufferedFile
{
  sqlite3_file base;      // SQLite's view: pMethods points to one of g_methods
  sqlite3_file* below;    // the file of the VFS below, in the same allocation after this struct
  BufferedFile* wal;      // a database file's WAL, opened by the same connection; or nullptr
  BufferedFile* database; // a WAL's database file; or nullptr
  char* buffer;           // k_capacity bytes, allocated at the first held write; or nullptr
  sqlite3_int64 offset;   // where buffer[0] goes in the file
  std::size_t used;       // bytes held
  int error;              // the first held write that failed, until close; SQLITE_OK if none
  bool holds;             // holds writes (the main database file and its WAL only)
};

constexpr std::size_t k_below_offset = (sizeof(BufferedFile) + 15) & ~std::size_t{15};

BufferedFile* of(sqlite3_file* file)
{
  return reinterpret_cast<BufferedFile*>(file);
}

const sqlite3_io_methods& below(const BufferedFile* file)
{
  return *file->below->pMethods;
}

// Writes the held bytes. Returns the file's error: this write's, or an earlier one's.
int write_held(BufferedFile* file)
{
  if (file->used > 0) {
    const int written =
        below(file).xWrite(file->below, file->buffer, static_cast<int>(file->used), file->offset);
    file->used = 0;
    if (written != SQLITE_OK && file->error == SQLITE_OK) {
      file->error = written;
    }
  }
  return file->error;
}

// Writes what the file holds and, for a database file, what its WAL holds; returns the file's own
// error (the WAL's is reported by the WAL's own calls).
int write_pair(BufferedFile* file)
{
  if (file->wal != nullptr) {
    (void)write_held(file->wal);
  }
  return write_held(file);
}

int close_file(sqlite3_file* file)
{
  BufferedFile* self = of(file);
  const int held = write_held(self);
  if (self->wal != nullptr) {
    self->wal->database = nullptr;
    self->wal = nullptr;
  }
  if (self->database != nullptr) {
    self->database->wal = nullptr;
    self->database = nullptr;
  }
  sqlite3_free(self->buffer);
  self->buffer = nullptr;
  const int closed = below(self).xClose(self->below);
  return held != SQLITE_OK ? held : closed;
}

int write_file(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset)
{
  BufferedFile* self = of(file);
  if (self->wal != nullptr) {
    (void)write_held(self->wal);
  }
  const auto size = static_cast<std::size_t>(amount);
  if (self->holds && self->used > 0 && offset == self->offset + static_cast<sqlite3_int64>(self->used) &&
      self->used + size <= k_capacity && self->error == SQLITE_OK) {
    std::memcpy(self->buffer + self->used, data, size);
    self->used += size;
    return SQLITE_OK;
  }
  if (const int error = write_held(self); error != SQLITE_OK) {
    return error;
  }
  if (self->holds && size < k_capacity) {
    if (self->buffer == nullptr) {
      self->buffer = static_cast<char*>(sqlite3_malloc64(k_capacity));
    }
    if (self->buffer != nullptr) {
      std::memcpy(self->buffer, data, size);
      self->offset = offset;
      self->used = size;
      return SQLITE_OK;
    }
  }
  return below(self).xWrite(self->below, data, amount, offset);
}

// The file below's method, once what the file and its WAL hold is written; a held write of the
// file's that failed is reported instead. For the calls that read or change the file's bytes.
template <auto Method, typename... Args> int after_writes(sqlite3_file* file, Args... args)
{
  BufferedFile* self = of(file);
  if (const int error = write_pair(self); error != SQLITE_OK) {
    return error;
  }
  return (below(self).*Method)(self->below, args...);
}

// The file below's method, once what the file and its WAL hold is written (a failure is reported
// by the next call of the kind above). For locks, file controls and shared memory.
template <auto Method, typename... Args> int then(sqlite3_file* file, Args... args)
{
  BufferedFile* self = of(file);
  (void)write_pair(self);
  return (below(self).*Method)(self->below, args...);
}

// The file below's method as it is: it neither reads nor changes bytes.
template <auto Method, typename... Args> int as_is(sqlite3_file* file, Args... args)
{
  BufferedFile* self = of(file);
  return (below(self).*Method)(self->below, args...);
}

void shm_barrier(sqlite3_file* file)
{
  BufferedFile* self = of(file);
  (void)write_pair(self);
  below(self).xShmBarrier(self->below);
}

int fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out)
{
  BufferedFile* self = of(file);
  if (const int error = write_pair(self); error != SQLITE_OK) {
    *out = nullptr;
    return error;
  }
  return below(self).xFetch(self->below, offset, amount, out);
}

using M = sqlite3_io_methods;

constexpr sqlite3_io_methods methods(int version)
{
  return {version,
          close_file,
          after_writes<&M::xRead, void*, int, sqlite3_int64>,
          write_file,
          after_writes<&M::xTruncate, sqlite3_int64>,
          after_writes<&M::xSync, int>,
          after_writes<&M::xFileSize, sqlite3_int64*>,
          then<&M::xLock, int>,
          then<&M::xUnlock, int>,
          then<&M::xCheckReservedLock, int*>,
          then<&M::xFileControl, int, void*>,
          as_is<&M::xSectorSize>,
          as_is<&M::xDeviceCharacteristics>,
          then<&M::xShmMap, int, int, int, void volatile**>,
          then<&M::xShmLock, int, int, int>,
          shm_barrier,
          then<&M::xShmUnmap, int>,
          fetch,
          as_is<&M::xUnfetch, sqlite3_int64, void*>};
}

// One table per version of the methods below: SQLite calls only what iVersion promises.
constexpr std::array<sqlite3_io_methods, 3> g_methods{methods(1), methods(2), methods(3)};

bool ours(const sqlite3_file* file)
{
  for (const sqlite3_io_methods& table : g_methods) {
    if (file->pMethods == &table) {
      return true;
    }
  }
  return false;
}

} // namespace

int buffered_file_size(int below_size)
{
  return static_cast<int>(k_below_offset) + below_size;
}

sqlite3_file* buffered_file_below(sqlite3_file* file)
{
  BufferedFile* self = of(file);
  self->base.pMethods = nullptr;
  self->below = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + k_below_offset);
  self->below->pMethods = nullptr;
  self->wal = nullptr;
  self->database = nullptr;
  self->buffer = nullptr;
  self->offset = 0;
  self->used = 0;
  self->error = SQLITE_OK;
  self->holds = false;
  return self->below;
}

int attach_buffered_file(sqlite3_filename name, sqlite3_file* file, int flags, int opened)
{
  BufferedFile* self = of(file);
  const sqlite3_io_methods* methods = self->below->pMethods;
  if (methods == nullptr) {
    self->base.pMethods = nullptr;
    return opened;
  }
  // A file the VFS below opened and then failed on is closed by SQLite through these methods.
  const int version = methods->iVersion < 1 ? 1 : (methods->iVersion > 3 ? 3 : methods->iVersion);
  self->base.pMethods = &g_methods[static_cast<std::size_t>(version - 1)];
  if (opened != SQLITE_OK) {
    return opened;
  }
  self->holds = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
  if ((flags & SQLITE_OPEN_WAL) != 0 && name != nullptr) {
    sqlite3_file* database = sqlite3_database_file_object(name);
    if (database != nullptr && ours(database)) {
      BufferedFile* other = of(database);
      if (other->wal != nullptr) {
        other->wal->database = nullptr;
      }
      other->wal = self;
      self->database = other;
    }
  }
  return opened;
}

} // namespace bisectr::repository::detail
