#include "bisectr/util/parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

namespace bisectr::util {

namespace {

// Runs `there` on a new thread and `here` on this one, and joins; false (having run neither) when
// there is no second core or no thread can be started. Rethrows as run_side_by_side does.
bool try_side_by_side(const std::function<void()>& here, const std::function<void()>& there)
{
  if (std::thread::hardware_concurrency() < 2) {
    return false;
  }
  std::exception_ptr there_error;
  std::thread helper;
  try {
    helper = std::thread([&] {
      try {
        there();
      } catch (...) {
        there_error = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    return false;
  }
  std::exception_ptr here_error;
  try {
    here();
  } catch (...) {
    here_error = std::current_exception();
  }
  helper.join();
  if (here_error) {
    std::rethrow_exception(here_error);
  }
  if (there_error) {
    std::rethrow_exception(there_error);
  }
  return true;
}

} // namespace

void run_side_by_side(const std::function<void()>& here, const std::function<void()>& there)
{
  if (!try_side_by_side(here, there)) {
    here();
    there();
  }
}

void format_blocks_in_order(std::size_t count, std::size_t block,
                            const std::function<void(std::string& text, std::size_t from, std::size_t to)>& format,
                            const std::function<void(const std::string& text)>& write)
{
  block = std::max<std::size_t>(block, 1);
  const std::size_t blocks = (count + block - 1) / block;
  const auto format_block = [&](std::string& text, std::size_t k) {
    text.clear();
    format(text, k * block, std::min(count, (k + 1) * block));
  };
  const auto one_thread = [&] {
    std::string text;
    for (std::size_t k = 0; k < blocks; ++k) {
      format_block(text, k);
      write(text);
    }
  };
  std::mutex mutex;
  std::condition_variable turn;
  std::size_t next = 0;   // the block to be written next
  bool stopped = false;   // a thread threw: the other stops too
  const auto take_blocks = [&](std::size_t first) {
    try {
      std::string text;
      for (std::size_t k = first; k < blocks; k += 2) {
        format_block(text, k);
        std::unique_lock lock(mutex);
        turn.wait(lock, [&] { return next == k || stopped; });
        if (stopped) {
          return;
        }
        write(text);
        ++next;
        turn.notify_all();
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      stopped = true;
      turn.notify_all();
      throw;
    }
  };
  if (blocks < 2 || !try_side_by_side([&] { take_blocks(0); }, [&] { take_blocks(1); })) {
    one_thread();
  }
}

} // namespace bisectr::util
