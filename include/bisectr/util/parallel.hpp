#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace bisectr::util {

/// Runs `there` on a second thread while `here` runs on this one, and returns when both are done.
/// With one core, or when no thread can be started (a process limit), runs them one after the
/// other, `here` first. The two must not touch the same data. An exception from either is
/// rethrown here once both have finished (this thread's first).
void run_side_by_side(const std::function<void()>& here, const std::function<void()>& there);

/// Text made of `count` items in order, written in blocks of `block` items: `format(text, from,
/// to)` appends items [from, to) to `text`, and `write(text)` consumes a block's text. Two threads
/// format alternate blocks, each into a buffer of its own that it reuses, and write them in
/// order, taking turns; memory stays two blocks' worth. Falls back to one thread as
/// run_side_by_side does. When either throws, the other stops at its next block and the first
/// exception is rethrown here.
void format_blocks_in_order(std::size_t count, std::size_t block,
                            const std::function<void(std::string& text, std::size_t from, std::size_t to)>& format,
                            const std::function<void(const std::string& text)>& write);

} // namespace bisectr::util
