#pragma once

// Pieces every page shares: the document skeleton with its inline style sheet, status colours,
// numbers for SVG attributes, and writing a page to a file. Internal to the report module.
#include "bisectr/model/status.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace bisectr::report::detail {

/// Writes the doctype, head (title, inline CSS, no external resource) and opens the body with an h1.
void begin_document(std::ostream& out, std::string_view title);
/// Closes the body and the document.
void end_document(std::ostream& out);
/// The fill colour of an outcome; nullopt (the test did not run) is light grey.
std::string_view status_colour(std::optional<model::Status> status);
/// A legend of the outcome colours as a paragraph of swatches.
void write_legend(std::ostream& out);
/// A coordinate or length for an SVG attribute: at most two decimals, no exponent.
std::string number(double value);
/// Opens path, lets write fill it, and throws util::Error naming the path when it cannot be written.
void write_file(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

} // namespace bisectr::report::detail
