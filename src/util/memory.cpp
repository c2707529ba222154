#include "bisectr/util/memory.hpp"

#include <cstdlib> // defines __GLIBC__ where glibc is the C library

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

namespace bisectr::util {

#if defined(__GLIBC__)
namespace {

constexpr std::uintptr_t k_huge_page = std::uintptr_t{2} << 20;

struct Range
{
  std::uintptr_t from = 0, to = 0;
};

// The main heap's range: from the start of the first "[heap]" line of /proc/self/maps to the end
// of the last (advice splits it into several), or an empty range when there is none (no brk heap,
// or no /proc).
Range heap_range()
{
  std::ifstream maps("/proc/self/maps");
  std::string line;
  Range heap;
  while (std::getline(maps, line)) {
    if (line.size() < 6 || line.compare(line.size() - 6, 6, "[heap]") != 0) {
      continue;
    }
    std::size_t dash = line.find('-');
    std::size_t space = line.find(' ', dash);
    if (dash == std::string::npos || space == std::string::npos) {
      return {};
    }
    std::uintptr_t from = std::stoull(line.substr(0, dash), nullptr, 16);
    heap.to = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
    heap.from = heap.from == 0 ? from : heap.from;
  }
  return heap;
}

} // namespace
#endif

bool keep_freed_memory()
{
#if defined(__GLIBC__)
  constexpr int k_heap_block_limit = 32 << 20; // the most glibc accepts on 64-bit systems
  constexpr int k_kept_free = 1 << 30;
  return mallopt(M_MMAP_THRESHOLD, k_heap_block_limit) == 1 && mallopt(M_TRIM_THRESHOLD, k_kept_free) == 1;
#else
  return false;
#endif
}

bool back_heap_with_huge_pages(std::size_t reserve)
{
#if defined(__GLIBC__)
  if (!keep_freed_memory()) {
    return false;
  }
  constexpr int k_default_top_pad = 128 << 10;
  constexpr std::size_t k_probe = std::size_t{16} << 20; // under the 32 MiB over which blocks are mapped
  constexpr std::size_t k_max_probes = 80;               // 1.25 GiB of free heap at most to go through
  std::size_t wanted = std::min<std::size_t>(reserve, std::size_t{1} << 30);
  int pad = static_cast<int>(wanted);
  // Free memory at the heap's top is kept (so that no free returns the reserve), and with the top
  // pad raised the heap's next growth adds `pad` bytes beyond what it was for. Blocks are taken
  // until the heap has grown that way (at once, unless its top already held free memory), then
  // given back.
  if (mallopt(M_TRIM_THRESHOLD, INT_MAX) != 1 || mallopt(M_TOP_PAD, pad) != 1) {
    return false;
  }
  Range heap;
  std::vector<void*> probes;
  try {
    heap = heap_range();
    while (probes.size() < k_max_probes && heap.to - heap.from < wanted) {
      void* probe = std::malloc(k_probe);
      if (probe == nullptr) {
        break;
      }
      probes.push_back(probe);
      heap = heap_range();
    }
  } catch (const std::exception&) { // a line of /proc/self/maps not as documented: leave the heap be
    heap = {};
  }
  for (void* probe : probes) {
    std::free(probe);
  }
  mallopt(M_TOP_PAD, k_default_top_pad);
  std::uintptr_t from = (heap.from + k_huge_page - 1) & ~(k_huge_page - 1);
  std::uintptr_t to = heap.to & ~(k_huge_page - 1);
  if (to <= from) {
    return false;
  }
  return madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) == 0;
#else
  (void)reserve;
  return false;
#endif
}

bool share_one_heap()
{
#if defined(__GLIBC__)
  return mallopt(M_ARENA_MAX, 1) == 1;
#else
  return false;
#endif
}

} // namespace bisectr::util
