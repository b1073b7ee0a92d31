// What `zerofs run` derives from a Config: the options of the object store and of the
// filesystem. Pure translation, no I/O, so the mapping is testable on its own.
#pragma once

#include <string>

#include "appcommon/config.h"
#include "base/result.h"
#include "zobj/open_store.h"
#include "zvfs/config.h"

namespace zerofs::app::cli {

struct RunOptions {
  bool read_only = false;
  std::string checkpoint;  // empty: follow the latest state
  bool compactor = true;   // run compaction in this process
};

// [aws] (then the AWS_* environment) for s3:// stores; retry and metrics as the app uses
// them (zobj::open_app_store).
zobj::StoreOptions store_options_for(const Config& config);

// The options of the separate WAL store ([wal]): [wal.aws] / [wal.azure] / [wal.gcp] only
// (the environment fills what they leave empty, as for the main store; [aws] and friends do
// not apply), no disk cache, metrics labelled store="wal".
zobj::StoreOptions wal_store_options_for(const WalConfig& wal);

// Everything Filesystem::open needs except the stores themselves: the store URLs (wal_url
// from [wal], empty without it), password, compression, quota, the [lsm] and [cache]
// settings, and the read-only / checkpoint / compactor choices. Errors
// (Errc::invalid_argument, naming the key): settings this build cannot honour.
Result<zvfs::FilesystemConfig> filesystem_config_for(const Config& config,
                                                     const RunOptions& options);

}  // namespace zerofs::app::cli
