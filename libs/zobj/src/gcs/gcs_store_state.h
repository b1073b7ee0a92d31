// GcsStore's private state, shared by gcs_store.cc and gcs_put.cc.
#pragma once

#include <atomic>
#include <memory>

#include "gcs/gcs_client.h"
#include "zobj/gcs_store.h"

namespace zobj {

struct GcsStore::State {
  std::unique_ptr<gcs::Client> client;
  GcsSettings settings;
  std::atomic<std::uint64_t> resumable_uploads{0};
};

// ObjectMeta from a JSON object resource (size, generation, updated, metadata), keyed `key`;
// permanent error when it is not one.
Result<ObjectMeta> gcs_meta_from_json(std::string_view json, std::string key);

}  // namespace zobj
