// The key record object: where the filesystem's data key (DEK) lives, wrapped under the
// password (zcrypt::KeyRecord, docs/formats/key-record.md).
//
// First start: a new record is stored with create-if-absent, so two processes starting at
// once cannot fork the key; the loser finds the winner's record, unwraps it and uses it.
// change_key_password() rewraps the same DEK under a new password and replaces the object
// with if-match on the etag read, retrying when someone else changed it in between.
//
// Argon2id runs on a private worker thread (about a second at the default cost), so the
// caller's io_context keeps serving other work.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/result.h"
#include "zcrypt/data_key.h"
#include "zcrypt/key_record.h"
#include "zobj/object_store.h"

namespace zvfs {

struct KeyStoreParams {
  std::shared_ptr<zobj::ObjectStore> store;
  std::string key_object;
  std::string url;  // for messages
  // Argon2id cost of new records and rewraps; unset: the defaults for a new record, the
  // record's own cost for a rewrap.
  std::optional<zcrypt::KdfParams> kdf;

  KeyStoreParams() = default;
  KeyStoreParams(std::shared_ptr<zobj::ObjectStore> s, std::string object, std::string u,
                 std::optional<zcrypt::KdfParams> k)
      : store(std::move(s)), key_object(std::move(object)), url(std::move(u)), kdf(k) {}
};

// Unwraps the stored DEK, or (when `create` and no record exists) creates one.
// Errors: wrong_password ("wrong encryption password for <url>"), not_found (no record and
// !create), corrupt, store errors.
zerofs::Task<zerofs::Result<zcrypt::DataKey>> open_data_key(const KeyStoreParams& params,
                                                            std::string password, bool create);

// Errors: wrong_password when `old_password` does not unwrap the record, not_found.
zerofs::Task<zerofs::Result<void>> change_key_password(const KeyStoreParams& params,
                                                       std::string old_password,
                                                       std::string new_password);

}  // namespace zvfs
