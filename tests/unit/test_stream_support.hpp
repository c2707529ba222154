#pragma once
// Helpers shared by the stream module's tests.

#include "bisectr/model/test_result.hpp"
#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bisectr::test {

inline std::string read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

inline std::string sample(const std::string& name) { return read_file(std::string(BISECTR_SAMPLES_DIR) + "/" + name); }

/// Every event of bytes, fed to the parser in pieces of at most `piece` bytes.
inline std::vector<model::Event> parse_events(const std::string& bytes, stream::Format format, std::size_t piece = 65536)
{
  std::vector<model::Event> events;
  auto parser = stream::make_parser(format, "input", [&](const model::Event& e) { events.push_back(e); });
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    parser->feed(std::string_view(bytes).substr(at, piece));
  }
  parser->finish();
  return events;
}

/// Whole results of bytes, through the ResultAssembler.
inline std::vector<model::TestResult> parse_results(const std::string& bytes, stream::Format format,
                                                    std::size_t piece = 65536)
{
  std::vector<model::TestResult> results;
  stream::ResultAssembler assembler([&](model::TestResult&& r) { results.push_back(std::move(r)); });
  auto parser = stream::make_parser(format, "input", [&](const model::Event& e) { assembler.on_event(e); });
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    parser->feed(std::string_view(bytes).substr(at, piece));
  }
  parser->finish();
  return results;
}

inline std::size_t count_status(const std::vector<model::TestResult>& results, model::Status status)
{
  return static_cast<std::size_t>(
    std::count_if(results.begin(), results.end(), [&](const auto& r) { return r.status == status; }));
}

inline std::size_t count_worker(const std::vector<model::TestResult>& results, const std::string& worker)
{
  return static_cast<std::size_t>(
    std::count_if(results.begin(), results.end(), [&](const auto& r) { return r.worker == worker; }));
}

/// Runs a shell command and returns its standard output (and whether it exited 0).
inline std::pair<std::string, bool> run_command(const std::string& command)
{
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return {out, false};
  }
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, got);
  }
  return {out, ::pclose(pipe) == 0};
}

} // namespace bisectr::test
