#pragma once

#include "bisectr/repository/session_store.hpp"

#include <filesystem>
#include <iosfwd>

namespace bisectr::report {

/// Writes a bisection session as one self-contained HTML document: its status and config, the
/// size of each trial's subset and of the candidate set trial by trial (outcome coloured), the
/// leading suspects' probabilities over the trials when the engine stored them, and every trial.
void write_session_page(std::ostream& out, const repository::Session& session);
/// Writes the page to path; throws util::Error when the file cannot be written.
void write_session_page(const std::filesystem::path& path, const repository::Session& session);

} // namespace bisectr::report
