// The commented configuration `zerofs init` writes, and the summary `zerofs run` prints.
#pragma once

#include <string>
#include <string_view>

#include "appcommon/config.h"

namespace zerofs::app {

// A commented TOML template: local file storage under ${HOME}, the password from
// ${ZEROFS_PASSWORD}, NFS/9P/NBD/RPC servers on 127.0.0.1 with their default ports, and
// commented examples of every other section. It parses with parse_config() whenever HOME
// and ZEROFS_PASSWORD are set.
std::string_view init_template();

// A human-readable, multi-line summary of the effective configuration (every key, with
// units). Secrets (encryption_password, secret keys, session tokens, account keys and
// credentials inside URLs) are masked, so the result is safe to log.
std::string render_summary(const Config& config);

}  // namespace zerofs::app
