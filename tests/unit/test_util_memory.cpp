#include "bisectr/util/memory.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

// AddressSanitizer has its own allocator: glibc's settings and heap do not apply there.
#if defined(__SANITIZE_ADDRESS__)
#define BISECTR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BISECTR_ASAN 1
#endif
#endif

#if defined(__GLIBC__) && !defined(BISECTR_ASAN)
#include <malloc.h>

namespace {

struct HeapMapping
{
  std::size_t bytes = 0;
  bool huge_pages_advised = false; // "hg" among the VmFlags of a part of it
};

// The main heap's mappings in /proc/self/smaps: advice splits it into several "[heap]" entries.
HeapMapping heap_mapping()
{
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  HeapMapping heap;
  bool in_heap = false;
  while (std::getline(smaps, line)) {
    std::size_t dash = line.find('-');
    std::string first_word = line.substr(0, line.find(' '));
    if (dash < first_word.size() && first_word.find(':') == std::string::npos) {
      in_heap = line.find(" [heap]") != std::string::npos; // a mapping's first line
      if (in_heap) {
        std::size_t space = line.find(' ', dash);
        heap.bytes += std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16) -
                      std::stoull(line.substr(0, dash), nullptr, 16);
      }
    } else if (in_heap && line.rfind("VmFlags:", 0) == 0) {
      heap.huge_pages_advised = heap.huge_pages_advised || (line + " ").find(" hg ") != std::string::npos;
    }
  }
  return heap;
}

} // namespace

TEST_CASE("keep_freed_memory: a freed 16 MiB block stays in the heap for the next allocation")
{
  // By default glibc maps a block this large on its own (its threshold starts at 128 KiB) and
  // unmaps it when freed, so the heap's free bytes would not grow by it.
  REQUIRE(bisectr::util::keep_freed_memory());
  constexpr std::size_t k_block = std::size_t{16} << 20;
  std::size_t mapped_before = mallinfo2().hblkhd;
  {
    std::vector<char> block(k_block, 1);
    CHECK(mallinfo2().hblkhd == mapped_before);
    CHECK(block[k_block - 1] == 1);
  }
  CHECK(mallinfo2().fordblks >= k_block);
}

TEST_CASE("back_heap_with_huge_pages: the heap spans the reserve and is advised for huge pages")
{
  constexpr std::size_t k_reserve = std::size_t{64} << 20;
  REQUIRE_FALSE(heap_mapping().huge_pages_advised);
  REQUIRE(bisectr::util::back_heap_with_huge_pages(k_reserve));
  HeapMapping heap = heap_mapping();
  CHECK(heap.bytes >= k_reserve);
  CHECK(heap.huge_pages_advised);
  // The reserve is kept: a block allocated and freed in it does not shrink the heap.
  {
    std::vector<char> block(std::size_t{8} << 20, 1);
    CHECK(block.back() == 1);
  }
  CHECK(heap_mapping().bytes >= k_reserve);
}
#endif
