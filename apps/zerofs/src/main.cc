// The `zerofs` command-line tool; the commands live in src/cmd_*.cc.
#include "zerofscli/commands.h"

int main(int argc, char** argv) {
  return zerofs::app::cli::run_main("zerofs", argc, argv, &zerofs::app::cli::zerofs_main);
}
