#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/report/flake_stats.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <vector>

namespace bisectr::report {

/// A column of the heat map: one run.
struct HeatMapRun {
  model::RunId id = 0;
  model::TimePoint started{};
};

/// A row of the heat map: a test's assessment and its outcome in each column (nullopt: did not run).
struct HeatMapRow {
  FlakeAssessment assessment;
  std::vector<std::optional<model::Status>> cells;
};

/// Everything the flaky/history page shows.
struct FlakyPage {
  std::vector<HeatMapRun> runs;   ///< oldest first
  std::vector<HeatMapRow> rows;   ///< flakiest first, broken tests last (as rank_flaky orders them)
  std::int64_t tests_considered = 0;  ///< tests with stats, failing or not
  std::int64_t runs_considered = 0;   ///< runs in the repository (the map may show fewer)
};

/// Writes the page as one self-contained HTML document: a tests x runs heat map and a table of
/// rates; every test id is escaped.
void write_flaky_page(std::ostream& out, const FlakyPage& page);
/// Writes the page to path; throws util::Error when the file cannot be written.
void write_flaky_page(const std::filesystem::path& path, const FlakyPage& page);

} // namespace bisectr::report
