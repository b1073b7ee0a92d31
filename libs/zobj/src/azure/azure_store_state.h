// AzureStore's private state, shared by azure_store.cc and azure_put.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "azure/azure_client.h"
#include "zobj/azure_store.h"

namespace zobj {

struct AzureStore::State {
  std::unique_ptr<azure::Client> client;
  AzureSettings settings;
  std::atomic<std::uint64_t> block_uploads{0};
  std::atomic<std::uint64_t> marker_hits{0};

  // Markers of pages this store produced: (full prefix, '\0', last key of the page) -> the
  // marker of the page after it. Lets list(prefix, start_after = that key) resume instead
  // of walking the prefix again.
  struct Marker {
    std::string marker;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex markers_mutex;
  std::map<std::string, Marker> markers;  // guarded by markers_mutex
};

// ObjectMeta from the headers of a Get Blob or Get Blob Properties reply.
ObjectMeta azure_meta_from_headers(const http::Response& response, std::string key);

}  // namespace zobj
