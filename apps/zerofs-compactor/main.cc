// `zerofs-compactor`: the same as `zerofs compactor` (same options, same code path).
#include "zerofscli/commands.h"

int main(int argc, char** argv) {
  return zerofs::app::cli::run_main("zerofs-compactor", argc, argv,
                                    &zerofs::app::cli::cmd_compactor);
}
