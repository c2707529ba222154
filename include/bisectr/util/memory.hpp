#pragma once

#include <cstddef>

namespace bisectr::util {

/// Lets memory the process frees stay in it for its next allocations. By default glibc's malloc
/// gives every block over a threshold (128 KiB, raised as such blocks are freed, up to 32 MiB) a
/// mapping of its own and returns freed memory at the heap's top to the kernel, so a loop that
/// builds and drops large vectors (the bisect planner's posterior columns: 5,000 candidates and
/// their pairs) or a table that grows by doubling (the importer's names) pays for fresh zeroed
/// pages, a page fault each, every time. After this call blocks up to 32 MiB (the most glibc
/// allows) come from the heap and up to 1 GiB of freed memory is kept. Peak memory is unchanged:
/// only memory already used once is kept. Returns false where the C library has no such settings
/// (nothing changed).
bool keep_freed_memory();

/// For a command about to fill hundreds of MiB at once (the import of a large stream: its names,
/// the SQLite pages it writes): calls keep_freed_memory(), grows the heap by `reserve` bytes of
/// address space in one step, and asks the kernel to back the heap with transparent huge pages
/// (madvise MADV_HUGEPAGE, honoured when the system's setting is "madvise" or "always"), so that
/// filling it takes a page fault per 2 MiB instead of one per 4 KiB. Only address space is
/// reserved: memory is used as it is touched, in steps of up to 2 MiB, and up to 2 GiB of freed
/// memory is kept (1 GiB of reserve is the most). Growth beyond `reserve` gets ordinary pages.
/// Returns false when the heap could not be found or advised (the process is as before, apart
/// from keep_freed_memory()'s settings).
bool back_heap_with_huge_pages(std::size_t reserve);

/// Makes every thread allocate from the main heap (glibc's M_ARENA_MAX = 1) instead of giving each
/// new thread an arena of its own (a fresh 64 MiB mapping, and page faults for all it allocates).
/// Returns false where the C library has no such setting.
bool share_one_heap();

} // namespace bisectr::util
