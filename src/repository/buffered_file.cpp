#include "buffered_file.hpp"
#include "wal_fold.hpp"

#include "bisectr/repository/repository.hpp"

#include <algorithm>
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
  bool is_wal;            // a WAL file
  // A WAL's read-ahead, while its connection checkpoints (SQLITE_FCNTL_CKPT_START to _DONE on
  // the database file): SQLite reads each frame's page with a call of its own, in page order, which
  // after an import is the order of the frames in the file. Read 64 KiB at a time, 15 MB of WAL
  // took 243 reads instead of 1,948.
  char* ahead;                // k_capacity bytes, or nullptr
  sqlite3_int64 ahead_offset; // where ahead[0] was read from
  std::size_t ahead_used;     // bytes read there
  sqlite3_int64 ahead_limit;  // the WAL's size when the checkpoint began; 0: no read-ahead
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
  sqlite3_free(self->ahead);
  self->ahead = nullptr;
  const int closed = below(self).xClose(self->below);
  return held != SQLITE_OK ? held : closed;
}

int write_file(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset)
{
  BufferedFile* self = of(file);
  if (self->wal != nullptr) {
    (void)write_held(self->wal);
  }
  self->ahead_used = 0;
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

// Copies the WAL bytes [offset, offset + amount) from the read-ahead, reading the 64 KiB from
// offset first when it does not hold them. False when it cannot (past the size the checkpoint
// began with, or an error, which the direct read then reports).
bool read_ahead(BufferedFile* file, void* data, int amount, sqlite3_int64 offset)
{
  const auto size = static_cast<sqlite3_int64>(amount);
  const bool held = offset >= file->ahead_offset &&
                    offset + size <= file->ahead_offset + static_cast<sqlite3_int64>(file->ahead_used);
  if (!held) {
    const sqlite3_int64 bytes = std::min(static_cast<sqlite3_int64>(k_capacity), file->ahead_limit - offset);
    if (bytes < size) {
      return false;
    }
    if (file->ahead == nullptr) {
      file->ahead = static_cast<char*>(sqlite3_malloc64(k_capacity));
    }
    file->ahead_used = 0;
    if (file->ahead == nullptr ||
        below(file).xRead(file->below, file->ahead, static_cast<int>(bytes), offset) != SQLITE_OK) {
      return false;
    }
    file->ahead_offset = offset;
    file->ahead_used = static_cast<std::size_t>(bytes);
  }
  std::memcpy(data, file->ahead + (offset - file->ahead_offset), static_cast<std::size_t>(amount));
  return true;
}

int read_file(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset)
{
  BufferedFile* self = of(file);
  if (const int error = write_pair(self); error != SQLITE_OK) {
    return error;
  }
  if (self->ahead_limit > 0 && read_ahead(self, data, amount, offset)) {
    return SQLITE_OK;
  }
  return below(self).xRead(self->below, data, amount, offset);
}

// A checkpoint of the database file's connection begins or ends (called once the file and its
// WAL have written what they held): its WAL reads ahead meanwhile.
// Frames up to the size the checkpoint began with do not change under it (another writer only
// appends past the last frame, and no one starts the WAL over before the checkpoint is done).
void mark_checkpoint(BufferedFile* database, bool begins)
{
  BufferedFile* wal = database->wal;
  if (wal == nullptr) {
    return;
  }
  wal->ahead_used = 0;
  wal->ahead_limit = 0;
  if (begins) {
    sqlite3_int64 size = 0;
    if (wal->error == SQLITE_OK && below(wal).xFileSize(wal->below, &size) == SQLITE_OK) {
      wal->ahead_limit = size;
    }
  } else {
    sqlite3_free(wal->ahead);
    wal->ahead = nullptr;
  }
}

int file_control(sqlite3_file* file, int op, void* argument)
{
  BufferedFile* self = of(file);
  (void)write_pair(self);
  if (op == SQLITE_FCNTL_CKPT_START || op == SQLITE_FCNTL_CKPT_DONE) {
    mark_checkpoint(self, op == SQLITE_FCNTL_CKPT_START);
  }
  return below(self).xFileControl(self->below, op, argument);
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

// SQLite truncates the WAL to nothing after a TRUNCATE checkpoint copied all of it back (bisectr's
// close after a large import). Freeing a WAL's blocks took 6-8 ms for 15 MB on this disk (mounted
// with discard), and the next large import allocates them again. A WAL of up to
// repository::k_kept_wal_bytes keeps its blocks and only its header is zeroed: a WAL whose header
// lacks the magic number is empty to SQLite (recovery stops at the header; the next write puts a
// new one there and its frames after it), to wal_longer_than, and to any other SQLite program.
// SQLite does this while it holds the WAL's write and checkpoint locks, so no other connection
// writes the WAL meanwhile.
constexpr auto k_kept_wal = static_cast<sqlite3_int64>(k_kept_wal_bytes);
constexpr auto k_header = static_cast<sqlite3_int64>(k_wal_header_bytes);

int truncate_file(sqlite3_file* file, sqlite3_int64 size)
{
  BufferedFile* self = of(file);
  if (const int error = write_pair(self); error != SQLITE_OK) {
    return error;
  }
  self->ahead_used = 0;
  sqlite3_int64 current = 0;
  if (self->is_wal && size == 0 && below(self).xFileSize(self->below, &current) == SQLITE_OK &&
      current >= k_header && current <= k_kept_wal) {
    static constexpr std::array<char, k_wal_header_bytes> zeros{};
    return below(self).xWrite(self->below, zeros.data(), static_cast<int>(k_header), 0);
  }
  return below(self).xTruncate(self->below, size);
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
          read_file,
          write_file,
          truncate_file,
          after_writes<&M::xSync, int>,
          after_writes<&M::xFileSize, sqlite3_int64*>,
          then<&M::xLock, int>,
          then<&M::xUnlock, int>,
          then<&M::xCheckReservedLock, int*>,
          file_control,
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
  self->is_wal = false;
  self->ahead = nullptr;
  self->ahead_offset = 0;
  self->ahead_used = 0;
  self->ahead_limit = 0;
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
  self->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
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
