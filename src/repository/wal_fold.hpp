#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

struct sqlite3;

namespace bisectr::repository::detail {

/// The size of a WAL file's header (the WAL format: https://sqlite.org/fileformat2.html#walformat).
inline constexpr std::size_t k_wal_header_bytes = 32;

/// Whether the write-ahead log at `wal` holds more than `bytes` of frames of its current
/// generation. A log that SQLite started over keeps its file size, and the frames of the older
/// generation behind the new ones no longer count; they carry other salts (the WAL format:
/// https://sqlite.org/fileformat2.html#walformat). Reads the 32-byte header and one frame header.
/// A missing, short or foreign file holds none.
bool wal_longer_than(const std::filesystem::path& wal, std::uintmax_t bytes);

/// Before a write transaction on `db` (not inside one): when its write-ahead log holds more than
/// `bytes` of the current generation, copies the log back into the database (a passive
/// checkpoint: it waits for no other connection). The write that follows then starts the log
/// over from its beginning, overwriting blocks the file already has. Why here and not at close:
/// the next process to open the file rebuilds the log's index and does not know the log was
/// copied back, so only this connection's next write can start it over; and truncating the log
/// instead frees its blocks (8 ms on a disk mounted with discard). Failures are ignored: the
/// write then appends, as it would have.
void fold_wal_before_write(sqlite3* db, std::uintmax_t bytes);

} // namespace bisectr::repository::detail
