#include "bisectr/cli/app.hpp"

int main(int argc, char** argv)
{
  return bisectr::cli::main(argc, argv);
}
