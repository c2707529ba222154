#pragma once

namespace bisectr::cli {

/// Parses argv, runs one subcommand, prints any error as one line `bisectr: error: ...`, returns the exit status.
int main(int argc, char** argv);

} // namespace bisectr::cli
