#pragma once

#include <sqlite3.h>

namespace bisectr::repository::detail {

// A SQLite file that gathers consecutive writes into one buffer before they reach the file below
// it (the unix VFS's), so that a run's WAL frames (each a 24-byte header, then a page) and a
// checkpoint's pages reach the kernel as a few large pwrite calls instead of one or two per page.
// On this machine's ext4, 15 MB written as 24 + 8,192-byte pairs took 12 ms to write and 21-28 ms
// to fdatasync; written in 64 KiB pieces, 3 ms and 11 ms.
//
// The rule that keeps every reader's view exact: a write that continues the held bytes is held;
// every other call on the file (read, sync, truncate, size, lock, file control, mapping, shared
// memory) first writes what is held, and so does every call on its partner (the WAL of a
// database file and that database file, opened by one connection). So whatever SQLite reads
// back, in this process or another, was written before:
// - another connection learns of new WAL frames only from the WAL index header, which SQLite
//   publishes after a shared-memory barrier on the database file (and, at synchronous = FULL,
//   after syncing the WAL);
// - of pages a checkpoint copied, only after its file control SQLITE_FCNTL_CKPT_DONE on the
//   database file.
// A held write that fails when it is made is reported by that call and then by every later read,
// write, sync, truncate, size or mapping call on the file until it is closed: SQLite cannot go
// on as if it had been made (it ignores the result of SQLITE_FCNTL_CKPT_DONE, but then truncates
// or syncs the database file, or gives up at its next read of it).
//
// Two more departures from the file below, both for the WAL: while its connection checkpoints, it
// reads 64 KiB ahead (the checkpoint reads each frame's page with a call of its own); and asked to
// truncate itself to nothing (a TRUNCATE checkpoint), a WAL of up to repository::k_kept_wal_bytes
// zeroes its header instead, which empties it for SQLite, and keeps its blocks.

/// Bytes a VFS reserves per file (szOsFile) to wrap files of `below_size` bytes.
int buffered_file_size(int below_size);

/// Makes `file` (an allocation of buffered_file_size bytes) ready to be opened and returns the
/// file the VFS below is to open in it.
sqlite3_file* buffered_file_below(sqlite3_file* file);

/// Completes the opening of `file` after the VFS below returned `opened` for `name`: on success,
/// installs the buffering methods (writes are held for the main database file and its WAL only,
/// per `flags`; a WAL is paired with its connection's database file); on failure, sets pMethods
/// to nullptr as SQLite requires. Returns `opened`.
int attach_buffered_file(sqlite3_filename name, sqlite3_file* file, int flags, int opened);

} // namespace bisectr::repository::detail
