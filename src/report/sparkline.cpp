#include "bisectr/report/sparkline.hpp"

namespace bisectr::report {

namespace {

struct Glyphs {
  const char* pass;
  const char* fail;
  const char* skip;
  const char* other;
  const char* more;
};

constexpr Glyphs k_unicode{"\u2581", "\u2588", "\u00B7", " ", "\u2026"};
constexpr Glyphs k_ascii{".", "F", "s", "?", "<"};

const char* glyph(model::Status status, const Glyphs& glyphs)
{
  if (model::is_failure(status)) {
    return glyphs.fail;
  }
  switch (status) {
  case model::Status::Success:
  case model::Status::XFail: return glyphs.pass;
  case model::Status::Skip: return glyphs.skip;
  default: return glyphs.other;
  }
}

} // namespace

std::string sparkline(const std::vector<model::Status>& outcomes, SparkCharset charset, std::size_t max_width)
{
  const Glyphs& glyphs = charset == SparkCharset::Unicode ? k_unicode : k_ascii;
  std::string line;
  std::size_t first = 0;
  if (max_width > 0 && outcomes.size() > max_width) {
    line += glyphs.more;
    first = outcomes.size() - (max_width - 1);
  }
  for (std::size_t i = first; i < outcomes.size(); ++i) {
    line += glyph(outcomes[i], glyphs);
  }
  return line;
}

} // namespace bisectr::report
