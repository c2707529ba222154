// parse_stream FILE: parses a stream with the stream module and the ResultAssembler and prints
// what it found, how long it took and the peak memory (the figures bench_parse.sh compares).
#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"
#include "bisectr/util/error.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::cerr << "usage: parse_stream FILE\n";
    return 64;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "parse_stream: cannot open " << argv[1] << "\n";
    return 2;
  }
  std::int64_t tests = 0;
  std::int64_t failures = 0;
  std::int64_t bytes = 0;
  bisectr::stream::ResultAssembler assembler([&](bisectr::model::TestResult&& result) {
    ++tests;
    failures += bisectr::model::is_failure(result.status) ? 1 : 0;
  });
  const auto started = std::chrono::steady_clock::now();
  try {
    const auto format = bisectr::stream::detect_format(in);
    bisectr::stream::read_stream(in, format, argv[1], [&](const bisectr::model::Event& event) { assembler.on_event(event); });
  } catch (const bisectr::util::Error& error) {
    std::cerr << "parse_stream: " << error.what() << "\n";
    return 2;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ifstream size_probe(argv[1], std::ios::binary | std::ios::ate);
  bytes = static_cast<std::int64_t>(size_probe.tellg());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double megabytes = static_cast<double>(bytes) / 1e6;
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  // CPU seconds as well as wall seconds: on a shared machine the wall clock measures the load.
  std::printf("tests %lld failures %lld seconds %.3f cpu_seconds %.3f MB/s %.1f tests/s %.0f peak_rss_kib %ld\n",
              static_cast<long long>(tests), static_cast<long long>(failures), seconds, cpu, megabytes / seconds,
              static_cast<double>(tests) / seconds, usage.ru_maxrss);
  return 0;
}
