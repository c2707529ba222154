#include "bisectr/util/parallel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using bisectr::util::format_blocks_in_order;
using bisectr::util::run_side_by_side;

namespace {

// Formats items [from, to) as "<i>;" and gathers what is written, in the order written.
struct Gathered {
  std::string written;
  std::vector<std::size_t> block_sizes;
};

Gathered gather(std::size_t count, std::size_t block)
{
  Gathered gathered;
  format_blocks_in_order(
      count, block,
      [](std::string& text, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
          text += std::to_string(i) + ';';
        }
      },
      [&](const std::string& text) {
        gathered.written += text;
        gathered.block_sizes.push_back(text.size());
      });
  return gathered;
}

std::string expected_text(std::size_t count)
{
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    text += std::to_string(i) + ';';
  }
  return text;
}

} // namespace

TEST_CASE("util::format_blocks_in_order writes every item once, in order, block by block")
{
  for (const std::size_t count : {0U, 1U, 7U, 8U, 9U, 100U, 1001U, 20000U}) {
    for (const std::size_t block : {1U, 3U, 8U, 128U}) {
      CAPTURE(count);
      CAPTURE(block);
      const Gathered gathered = gather(count, block);
      CHECK(gathered.written == expected_text(count));
      CHECK(gathered.block_sizes.size() == (count + block - 1) / block);
    }
  }
  // A block of 0 items would never end: it is taken as 1.
  CHECK(gather(5, 0).written == expected_text(5));
}

TEST_CASE("util::format_blocks_in_order: two threads format, and only one writes at a time")
{
  std::atomic<int> writing{0};
  std::atomic<bool> overlapped{false};
  std::atomic<bool> other_thread{false};
  const auto self = std::this_thread::get_id();
  std::string written;
  format_blocks_in_order(
      400, 4,
      [&](std::string& text, std::size_t from, std::size_t to) {
        if (std::this_thread::get_id() != self) {
          other_thread = true;
        }
        for (std::size_t i = from; i < to; ++i) {
          text += std::to_string(i) + ';';
        }
      },
      [&](const std::string& text) {
        if (writing.fetch_add(1) != 0) {
          overlapped = true;
        }
        written += text;
        writing.fetch_sub(1);
      });
  CHECK(written == expected_text(400));
  CHECK_FALSE(overlapped.load());
  if (std::thread::hardware_concurrency() >= 2) {
    CHECK(other_thread.load());
  }
}

TEST_CASE("util::format_blocks_in_order: an exception in either thread stops both and is rethrown")
{
  for (const std::size_t failing_block : {0U, 1U, 2U, 7U, 50U}) {
    CAPTURE(failing_block);
    std::string written;
    CHECK_THROWS_WITH_AS(format_blocks_in_order(
                             400, 4,
                             [&](std::string& text, std::size_t from, std::size_t) {
                               if (from == failing_block * 4) {
                                 throw std::runtime_error("format failed");
                               }
                               text += std::to_string(from) + ';';
                             },
                             [&](const std::string& text) { written += text; }),
                         "format failed", std::runtime_error);
    // Nothing from the failing block on was written.
    CHECK(written.find(std::to_string(failing_block * 4) + ';') == std::string::npos);
  }
  std::size_t writes = 0;
  CHECK_THROWS_AS(format_blocks_in_order(
                      400, 4, [](std::string& text, std::size_t from, std::size_t) { text = std::to_string(from); },
                      [&](const std::string&) {
                        if (++writes == 3) {
                          throw std::runtime_error("disk full");
                        }
                      }),
                  std::runtime_error);
  CHECK(writes == 3);
}

TEST_CASE("util::run_side_by_side runs both and rethrows either's exception")
{
  std::vector<int> left(1000, 0);
  std::vector<int> right(1000, 0);
  run_side_by_side([&] { left.assign(1000, 1); }, [&] { right.assign(1000, 2); });
  CHECK(left == std::vector<int>(1000, 1));
  CHECK(right == std::vector<int>(1000, 2));
  bool other_ran = false;
  CHECK_THROWS_WITH(run_side_by_side([] { throw std::runtime_error("here"); }, [&] { other_ran = true; }), "here");
  CHECK(other_ran);
  CHECK_THROWS_WITH(run_side_by_side([] {}, [] { throw std::runtime_error("there"); }), "there");
}
