// `zerofs-server`: the same as `zerofs run` (same options, same code path), for service
// managers and containers that want one binary per role.
#include "zerofscli/commands.h"

int main(int argc, char** argv) {
  return zerofs::app::cli::run_main("zerofs-server", argc, argv, &zerofs::app::cli::cmd_run);
}
