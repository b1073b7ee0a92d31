// The body of `zerofs run`: opens the object store and the filesystem a Config describes,
// serves it on every configured NFS address until SIGINT or SIGTERM, then drains the
// servers, makes everything durable (Filesystem::close) and returns.
//
// Startup order: signals are caught first (a SIGTERM that arrives while the filesystem is
// opening stops the server as soon as it is up), then store, filesystem, listeners. Every
// listener logs one line "NFS server listening on HOST:PORT" (the bound port, also when the
// configured port is 0), then one "ready" line. Further signals while stopping are logged and
// otherwise ignored (a signal sent to a process group may arrive twice); SIGKILL stops at
// once, as a crash would.
//
// Errors are returned as one-line messages naming the setting at fault (storage.url,
// storage.encryption_password, servers.nfs, ...); the caller prints them and exits 1.
#pragma once

#include <string>

#include "appcommon/config.h"
#include "base/result.h"
#include "run_settings.h"

namespace zerofs::app::cli {

// Blocks until the server has stopped. Must be called once per process (it installs the
// SIGINT/SIGTERM handling) and from a thread without an Asio event loop.
Result<void> serve(const Config& config, const RunOptions& options);

}  // namespace zerofs::app::cli
