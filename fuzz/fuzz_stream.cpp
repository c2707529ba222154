#include "fuzz_stream.hpp"

#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::fuzz {

namespace {

constexpr const char* k_source = "fuzz-input";
// Byte-at-a-time feeding is the harshest split, but costs a call per byte: only small inputs.
constexpr std::size_t k_max_bytewise = 4096;

// What one pass over the input produced.
struct Outcome {
  std::vector<model::TestResult> results;
  std::vector<std::string> in_progress;
  std::string unattributed;
  std::string error; ///< what() of the refusal, empty if the stream was accepted
};

[[noreturn]] void violated(const char* invariant, const std::string& detail)
{
  std::fprintf(stderr, "fuzz invariant violated: %s\n  %s\n", invariant, detail.c_str());
  std::abort();
}

// FNV-1a then splitmix64: the cut points are a pure function of the input, so a saved crash
// input replays with the same cuts.
std::uint64_t fnv1a(std::string_view bytes)
{
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t splitmix64(std::uint64_t& state)
{
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

// Piece sizes that add up to size: byte by byte, or one to eight cuts (some pieces empty).
std::vector<std::size_t> pieces_of(std::string_view bytes)
{
  std::uint64_t state = fnv1a(bytes);
  const std::uint64_t mode = splitmix64(state) % 4;
  if (mode == 0 && bytes.size() <= k_max_bytewise) {
    return std::vector<std::size_t>(bytes.size(), 1);
  }
  std::vector<std::size_t> cuts{0, bytes.size()};
  const std::uint64_t count = 1 + splitmix64(state) % 8;
  for (std::uint64_t i = 0; i < count; ++i) {
    cuts.push_back(static_cast<std::size_t>(splitmix64(state) % (bytes.size() + 1)));
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::size_t> sizes;
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    sizes.push_back(cuts[i] - cuts[i - 1]);
  }
  return sizes;
}

bool is_one_line(std::string_view text)
{
  return std::none_of(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\0'; });
}

// A refusal is printed as `bisectr: error: <what>`: it must be one line that names the source.
void check_refusal(const util::Error& error)
{
  const std::string_view what = error.what();
  if (!is_one_line(what)) {
    violated("a refusal is one line", std::string(what));
  }
  if (what.find(k_source) == std::string_view::npos) {
    violated("a refusal names its source", std::string(what));
  }
  if (const auto* parse_error = dynamic_cast<const util::ParseError*>(&error);
      parse_error != nullptr && parse_error->file() != k_source) {
    violated("ParseError::file() is the source name", parse_error->file());
  }
}

// Every result is final, has an id, and is numbered 0, 1, 2... within its worker.
void check_results(const std::vector<model::TestResult>& results)
{
  std::map<std::string, std::int64_t> next;
  for (const auto& result : results) {
    if (result.test_id.empty() || !model::is_final(result.status)) {
      violated("a result has an id and a final status", result.test_id);
    }
    if (result.sequence != next[result.worker]++) {
      violated("sequences count up from 0 per worker", result.worker + " " + result.test_id);
    }
  }
}

Outcome parse(stream::Format format, std::string_view bytes, const std::vector<std::size_t>& pieces)
{
  Outcome outcome;
  stream::ResultAssembler assembler([&](model::TestResult&& r) { outcome.results.push_back(std::move(r)); });
  try {
    auto parser = stream::make_parser(format, k_source, [&](const model::Event& e) { assembler.on_event(e); });
    for (const std::size_t piece : pieces) {
      parser->feed(bytes.substr(0, piece));
      bytes.remove_prefix(piece);
    }
    parser->finish();
  } catch (const util::Error& error) {
    check_refusal(error);
    outcome.error = error.what();
  }
  check_results(outcome.results);
  outcome.in_progress = assembler.in_progress();
  outcome.unattributed = assembler.unattributed_output();
  return outcome;
}

bool same_attachments(const model::TestResult& a, const model::TestResult& b)
{
  return std::equal(a.attachments.begin(), a.attachments.end(), b.attachments.begin(), b.attachments.end(),
                    [](const model::Attachment& x, const model::Attachment& y) {
                      return x.name == y.name && x.mime_type == y.mime_type && x.bytes == y.bytes;
                    });
}

bool same_result(const model::TestResult& a, const model::TestResult& b)
{
  return a.test_id == b.test_id && a.status == b.status && a.start == b.start && a.stop == b.stop &&
         a.worker == b.worker && a.sequence == b.sequence && a.tags == b.tags && same_attachments(a, b);
}

// How bytes arrive (one read or many) must not change what the stream means.
void check_same(const Outcome& whole, const Outcome& pieces)
{
  if (whole.error != pieces.error) {
    violated("whole and piecewise parses refuse alike", "'" + whole.error + "' vs '" + pieces.error + "'");
  }
  if (!std::equal(whole.results.begin(), whole.results.end(), pieces.results.begin(), pieces.results.end(),
                  same_result)) {
    violated("whole and piecewise parses give the same results",
             std::to_string(whole.results.size()) + " vs " + std::to_string(pieces.results.size()) + " results");
  }
  if (whole.in_progress != pieces.in_progress || whole.unattributed != pieces.unattributed) {
    violated("whole and piecewise parses leave the same tests in progress and output", "");
  }
}

} // namespace

void parse_whole_and_in_pieces(stream::Format format, const std::uint8_t* data, std::size_t size)
{
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Outcome whole = parse(format, bytes, {bytes.size()});
  const Outcome pieces = parse(format, bytes, pieces_of(bytes));
  check_same(whole, pieces);
}

} // namespace bisectr::fuzz
