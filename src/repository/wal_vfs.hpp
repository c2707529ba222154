#pragma once

namespace bisectr::repository::detail {

/// The name of a SQLite VFS that is the default (unix) one except that it opens an existing WAL
/// file without O_CREAT. SQLite fsyncs the directory at the first sync of every WAL it opened
/// with the create flag (about 0.2-0.5 ms of each short `bisectr run`); the WAL's directory entry
/// was made durable when the WAL was created, so only a newly created WAL needs that sync.
/// Registers the VFS on first call (thread-safe).
const char* wal_vfs_name();

} // namespace bisectr::repository::detail
