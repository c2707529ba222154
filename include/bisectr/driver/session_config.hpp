#pragma once

#include "bisectr/bisect/problem.hpp"
#include "bisectr/driver/oracle.hpp"
#include "bisectr/model/run.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bisectr::driver {

/// Everything a bisect session needs to run and to resume: stored once, as JSON, when it starts.
struct SessionConfig {
  model::RunId run = 0;                    ///< the run the order came from (0 with --from-list)
  std::string worker;
  std::string victim;
  std::vector<std::string> candidates;     ///< ids run before the victim, in order
  std::filesystem::path config_file;       ///< the bisectr.toml the trials run with
  bisect::Problem problem;
  bisect::Options options;
  Oracle oracle;
  double max_duration_seconds = 0.0;       ///< 0 = no limit
  std::int64_t timeout_ms = 0;             ///< per trial run; 0 = the config's timeout
  std::int64_t memory_limit_bytes = 0;
  std::vector<std::string> extra_args;
};

/// The stored form of a session config.
nlohmann::json to_json(const SessionConfig& config);
/// Reads it back; throws util::Error on a malformed document.
SessionConfig session_config_from_json(const nlohmann::json& json);

} // namespace bisectr::driver
