#include "appcommon/config_template.h"

namespace zerofs::app {

namespace {

// Keep in step with docs/operator-guide.md and with the defaults in config.h; the
// appcommon tests parse this text back and compare it with those defaults.
constexpr std::string_view kTemplate = R"toml(# zerofs configuration, written by `zerofs init`.
#
# Any string may read environment variables with ${VAR}; an unset variable is an error.
# Write $${ for a literal "${". Sizes named *_gb are decimal gigabytes (1 GB = 10^9 bytes).
# Unknown keys are rejected. Reference: docs/operator-guide.md ("Configuration").
# Check a file without starting anything: zerofs config-check -c zerofs.toml

[cache]
dir = "${HOME}/.cache/zerofs"  # local cache of object ranges
disk_size_gb = 10.0            # on-disk cache size
memory_size_gb = 0.25          # in-memory block cache size

[storage]
# Where the filesystem lives: file:///path, s3://bucket/prefix, azure://container/prefix,
# gs://bucket/prefix (credentials in [aws], [azure] or [gcp] below).
url = "file://${HOME}/.local/share/zerofs/data"
# Unlocks the data key. Keep it out of this file: export ZEROFS_PASSWORD='...'
# Change it later with: zerofs change-password -c zerofs.toml
encryption_password = "${ZEROFS_PASSWORD}"

[filesystem]
# max_size_gb = 100.0  # quota: writes fail with ENOSPC beyond it (default: unlimited)
compression = "lz4"    # "lz4", "zstd-1" .. "zstd-22" or "none"; change any time

# A server runs when its section is present; remove or comment out a section to disable it.
# Addresses are numeric: "0.0.0.0:2049" (all IPv4), "[::]:2049" (all IPv6), "[::1]:2049".

# NFSv3 (MOUNT and portmapper on the same port):
#   mount -t nfs -o vers=3,tcp,port=2049,mountport=2049,nolock 127.0.0.1:/ /mnt/zerofs
[servers.nfs]
addresses = ["127.0.0.1:2049"]

# 9P2000.L:
#   mount -t 9p -o trans=tcp,port=5564,version=9p2000.L,access=user 127.0.0.1 /mnt/zerofs
[servers.ninep]
addresses = ["127.0.0.1:5564"]
# unix_socket = "/tmp/zerofs.9p.sock"

# NBD: the files in /.nbd/ are the exports.
#   nbd-client 127.0.0.1 10809 /dev/nbd0 -N NAME
[servers.nbd]
addresses = ["127.0.0.1:10809"]
# unix_socket = "/tmp/zerofs.nbd.sock"

# Admin server (HTTP/JSON): checkpoints, flush, status and Prometheus /metrics.
[servers.rpc]
addresses = ["127.0.0.1:7000"]
# unix_socket = "/tmp/zerofs.rpc.sock"

[lsm]
# wal_enabled = true             # disable only for bulk loads that never fsync
# flush_interval_secs = 0.1      # the longest a write waits before it is made durable
# l0_max_ssts = 16               # L0 tables before writes slow down
# max_unflushed_gb = 1.0         # unflushed bytes before writes slow down
# max_concurrent_compactions = 8
# memtable_size_mb = 64
# block_size_kb = 4
# bloom_bits_per_key = 10
# gc_min_age_secs = 300          # unreferenced objects younger than this are kept

# Amazon S3 and S3-compatible stores (url = "s3://bucket/prefix"):
# [aws]
# access_key_id = "${AWS_ACCESS_KEY_ID}"
# secret_access_key = "${AWS_SECRET_ACCESS_KEY}"
# session_token = "${AWS_SESSION_TOKEN}"
# endpoint = "https://s3.us-east-1.amazonaws.com"  # for S3-compatible services
# default_region = "us-east-1"
# allow_http = "true"                              # for non-HTTPS endpoints
# conditional_put = "redis://localhost:6379"       # for stores without conditional put
# virtual_hosted_style = false                     # false: path-style requests
# ca_file = "/etc/ssl/certs/my-ca.pem"

# Azure Blob Storage (url = "azure://container/prefix"):
# [azure]
# storage_account_name = "${AZURE_STORAGE_ACCOUNT_NAME}"
# storage_account_key = "${AZURE_STORAGE_ACCOUNT_KEY}"
# endpoint = "https://myaccount.blob.core.windows.net"  # for emulators such as Azurite
# allow_http = false                                     # true for http:// endpoints

# Google Cloud Storage (url = "gs://bucket/prefix"):
# [gcp]
# service_account = "${GCS_SERVICE_ACCOUNT}"  # path to a service-account JSON key
# endpoint = "https://storage.googleapis.com"

# A separate, lower-latency store for the write-ahead log (fsync latency = its latency).
# Decided when the filesystem is created; it cannot be added or removed later.
# [wal]
# url = "file:///mnt/nvme/zerofs-wal"
# [wal.aws]      # and [wal.azure], [wal.gcp]: credentials for the WAL store only
# access_key_id = "${WAL_AWS_ACCESS_KEY_ID}"
# secret_access_key = "${WAL_AWS_SECRET_ACCESS_KEY}"
)toml";

}  // namespace

std::string_view init_template() { return kTemplate; }

}  // namespace zerofs::app
