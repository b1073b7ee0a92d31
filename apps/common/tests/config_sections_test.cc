// [servers.*], [aws], [azure], [gcp], [wal] and ${VAR} substitution inside the parser.
#include "test_env.h"
#include "test_support/catch.h"

using namespace zerofs;
using namespace zerofs::app;
using zerofs::app::test_env::error_of;
using zerofs::app::test_env::fake_env;
using zerofs::app::test_env::parse_with_storage;

TEST_CASE("a server is enabled by its section with addresses and unix socket") {
  auto config = parse_with_storage(R"(
[servers.nfs]
addresses = ["0.0.0.0:2049", "[::1]:2049"]

[servers.ninep]
addresses = []
unix_socket = "/tmp/zerofs.9p.sock"

[servers.nbd]

[servers.rpc]
addresses = ["127.0.0.1:0"]
unix_socket = "/run/zerofs/rpc.sock"
)");
  REQUIRE(config);
  REQUIRE(config->servers.nfs);
  REQUIRE(config->servers.nfs->addresses.size() == 2);
  CHECK(config->servers.nfs->addresses[0] == ListenAddress{"0.0.0.0", 2049, false});
  CHECK(config->servers.nfs->addresses[1] == ListenAddress{"::1", 2049, true});
  CHECK_FALSE(config->servers.nfs->unix_socket);
  REQUIRE(config->servers.ninep);
  CHECK(config->servers.ninep->addresses.empty());
  CHECK(config->servers.ninep->unix_socket == "/tmp/zerofs.9p.sock");
  // An empty section listens on the protocol's default port on 127.0.0.1.
  REQUIRE(config->servers.nbd);
  REQUIRE(config->servers.nbd->addresses.size() == 1);
  CHECK(config->servers.nbd->addresses[0] == ListenAddress{"127.0.0.1", kDefaultNbdPort, false});
  REQUIRE(config->servers.rpc);
  CHECK(config->servers.rpc->addresses[0].port == 0);
  CHECK(config->servers.rpc->unix_socket == "/run/zerofs/rpc.sock");
}

TEST_CASE("bad server addresses are rejected with the key and the element's line") {
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = [\"127.0.0.1\"]\n")) ==
        "test.toml:5: servers.nfs.addresses: \"127.0.0.1\" has no port (expected HOST:PORT)");
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = [\n\"127.0.0.1:1\",\n"
                                    "\"127.0.0.1:65536\"]\n")) ==
        "test.toml:7: servers.nfs.addresses: \"127.0.0.1:65536\": port 65536 is out of range "
        "(0 to 65535)");
  CHECK(error_of(parse_with_storage("[servers.nbd]\naddresses = [\"[::1:10809\"]\n")) ==
        "test.toml:5: servers.nbd.addresses: \"[::1:10809\": '[' without a matching ']'");
  CHECK(error_of(parse_with_storage("[servers.nbd]\naddresses = [\"::1:10809\"]\n")) ==
        "test.toml:5: servers.nbd.addresses: \"::1:10809\": an IPv6 address needs brackets, "
        "e.g. \"[::1]:2049\"");
  CHECK(error_of(parse_with_storage("[servers.nbd]\naddresses = [\"localhost:10809\"]\n")) ==
        "test.toml:5: servers.nbd.addresses: \"localhost:10809\": \"localhost\" is not a numeric "
        "IPv4 address (host names are not accepted)");
}

TEST_CASE("servers may not share an endpoint and must listen somewhere") {
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = [\"127.0.0.1:2049\"]\n"
                                    "[servers.ninep]\naddresses = [\"127.0.0.1:2049\"]\n")) ==
        "test.toml:7: servers.ninep.addresses: 127.0.0.1:2049 is already used by "
        "[servers.nfs]");
  CHECK(error_of(parse_with_storage(
            "[servers.nfs]\naddresses = [\"127.0.0.1:2049\", \"127.0.0.1:2049\"]\n")) ==
        "test.toml:5: servers.nfs.addresses: 127.0.0.1:2049 is listed twice");
  CHECK(error_of(parse_with_storage("[servers.ninep]\nunix_socket = \"/tmp/s\"\n"
                                    "[servers.nbd]\nunix_socket = \"/tmp/s\"\n")) ==
        "test.toml:7: servers.nbd.unix_socket: \"/tmp/s\" is already used by [servers.ninep]");
  CHECK(error_of(parse_with_storage("[servers.nbd]\naddresses = []\n")) ==
        "test.toml:4: [servers.nbd]: no addresses and no unix_socket (remove the section to "
        "disable the server)");
  CHECK(error_of(
            parse_with_storage("[servers.nbd]\nunix_socket = \"/" + std::string(120, 'x') + "\"\n"))
            .find("is longer than the 107 bytes a socket path may have") != std::string::npos);
  // Port 0 asks the kernel for a port, so it may repeat.
  CHECK(
      parse_with_storage("[servers.nfs]\naddresses = [\"127.0.0.1:0\"]\n"
                         "[servers.nbd]\naddresses = [\"127.0.0.1:0\"]\n"));
}

TEST_CASE("aws keys parse and allow_http takes a boolean or a true/false string") {
  auto config = parse_with_storage(R"(
[aws]
access_key_id = "AKIA"
secret_access_key = "s3cr3t"
session_token = "tok"
endpoint = "http://127.0.0.1:9000"
default_region = "eu-west-1"
allow_http = "true"
conditional_put = "redis://127.0.0.1:6379"
virtual_hosted_style = true
ca_file = "/etc/ca.pem"
)");
  REQUIRE(config);
  REQUIRE(config->aws);
  const AwsConfig& aws = *config->aws;
  CHECK(aws.access_key_id == "AKIA");
  CHECK(aws.secret_access_key == "s3cr3t");
  CHECK(aws.session_token == "tok");
  CHECK(aws.endpoint == "http://127.0.0.1:9000");
  CHECK(aws.default_region == "eu-west-1");
  CHECK(aws.allow_http);
  CHECK(aws.conditional_put == "redis://127.0.0.1:6379");
  CHECK(aws.virtual_hosted_style);
  CHECK(aws.ca_file == "/etc/ca.pem");

  auto as_bool = parse_with_storage("[aws]\nallow_http = true\n");
  REQUIRE(as_bool);
  CHECK(as_bool->aws->allow_http);
  auto as_false = parse_with_storage("[aws]\nallow_http = \"false\"\n");
  REQUIRE(as_false);
  CHECK_FALSE(as_false->aws->allow_http);
  auto defaults = parse_with_storage("[aws]\n");
  REQUIRE(defaults);
  CHECK_FALSE(defaults->aws->allow_http);
  CHECK_FALSE(defaults->aws->virtual_hosted_style);
  CHECK(error_of(parse_with_storage("[aws]\nallow_http = \"yes\"\n")) ==
        "test.toml:5: aws.allow_http: expected true or false, found \"yes\"");
  auto from_env = parse_with_storage("[aws]\nallow_http = \"${FLAG}\"\n",
                                     fake_env({{"FLAG", "true"}, {"HOME", "/h"}}));
  REQUIRE(from_env);
  CHECK(from_env->aws->allow_http);
}

TEST_CASE("credential blocks are checked for consistency") {
  CHECK(error_of(parse_with_storage("[aws]\naccess_key_id = \"a\"\n")) ==
        "test.toml:5: aws.access_key_id: is set but aws.secret_access_key is not; set both or "
        "neither");
  CHECK(error_of(parse_with_storage("[aws]\nendpoint = \"http://minio:9000\"\n")) ==
        "test.toml:5: aws.endpoint: \"http://minio:9000\" is plain http; set aws.allow_http = "
        "true to allow it");
  CHECK(error_of(parse_with_storage("[aws]\nendpoint = \"minio:9000\"\n")) ==
        "test.toml:5: aws.endpoint: \"minio:9000\" must start with https:// or http://");
  CHECK(error_of(parse_with_storage("[aws]\nconditional_put = \"memcached://x\"\n")) ==
        "test.toml:5: aws.conditional_put: \"memcached://x\" is not a Redis URL (expected "
        "redis://HOST:PORT)");
  CHECK(error_of(parse_with_storage("[azure]\nstorage_account_key = \"k\"\n")) ==
        "test.toml:5: azure.storage_account_key: is set but azure.storage_account_name is not");
}

TEST_CASE("azure and gcp keys parse") {
  auto config = parse_with_storage(R"(
[azure]
storage_account_name = "devstoreaccount1"
storage_account_key = "a2V5"
endpoint = "http://127.0.0.1:10000/devstoreaccount1"
allow_http = true

[gcp]
service_account = "/etc/gcs.json"
endpoint = "http://127.0.0.1:4443"
)");
  REQUIRE(config);
  REQUIRE(config->azure);
  CHECK(config->azure->storage_account_name == "devstoreaccount1");
  CHECK(config->azure->storage_account_key == "a2V5");
  CHECK(config->azure->endpoint == "http://127.0.0.1:10000/devstoreaccount1");
  CHECK(config->azure->allow_http);
  REQUIRE(config->gcp);
  CHECK(config->gcp->service_account == "/etc/gcs.json");
  CHECK(config->gcp->endpoint == "http://127.0.0.1:4443");
}

TEST_CASE("wal has its own url and credential blocks") {
  auto config = parse_with_storage(R"(
[wal]
url = "s3://fast-bucket/wal"

[wal.aws]
access_key_id = "walkey"
secret_access_key = "walsecret"
default_region = "us-east-1"

[wal.azure]
storage_account_name = "walaccount"

[wal.gcp]
service_account = "/etc/wal.json"

[aws]
access_key_id = "mainkey"
secret_access_key = "mainsecret"
)");
  REQUIRE(config);
  REQUIRE(config->wal);
  CHECK(config->wal->url == "s3://fast-bucket/wal");
  REQUIRE(config->wal->aws);
  CHECK(config->wal->aws->access_key_id == "walkey");
  CHECK(config->wal->aws->default_region == "us-east-1");
  REQUIRE(config->wal->azure);
  CHECK(config->wal->azure->storage_account_name == "walaccount");
  REQUIRE(config->wal->gcp);
  CHECK(config->wal->gcp->service_account == "/etc/wal.json");
  REQUIRE(config->aws);
  CHECK(config->aws->access_key_id == "mainkey");
  CHECK(error_of(parse_with_storage("[wal]\nurl = \"nfs://x\"\n"))
            .starts_with("test.toml:5: wal.url: \"nfs://x\" is not a supported object store URL"));
}

TEST_CASE("${VAR} is substituted in every string including array elements") {
  const auto env = fake_env({{"HOME", "/home/u"},
                             {"PW", "pass word"},
                             {"BUCKET", "bkt"},
                             {"PORT", "2050"},
                             {"KEY", "AK"},
                             {"SECRET", "SK"}});
  auto config = zerofs::app::test_env::parse(R"([storage]
url = "s3://${BUCKET}/data"
encryption_password = "${PW}"
[cache]
dir = "${HOME}/cache"
[servers.nfs]
addresses = ["127.0.0.1:${PORT}"]
[aws]
access_key_id = "${KEY}"
secret_access_key = "${SECRET}"
endpoint = "https://$${literal}"
)",
                                             env);
  REQUIRE(config);
  CHECK(config->storage.url == "s3://bkt/data");
  CHECK(config->storage.encryption_password == "pass word");
  CHECK(config->cache.dir == "/home/u/cache");
  CHECK(config->servers.nfs->addresses[0].port == 2050);
  CHECK(config->aws->access_key_id == "AK");
  CHECK(config->aws->endpoint == "https://${literal}");
}

TEST_CASE("an unset variable fails naming the variable and the key and the line") {
  auto config = zerofs::app::test_env::parse(
      "[storage]\nurl = \"file:///d\"\nencryption_password = \"${ZEROFS_PASSWORD}\"\n",
      fake_env({{"HOME", "/h"}}));
  REQUIRE_FALSE(config);
  CHECK(config.error().code() == Errc::invalid_argument);
  CHECK(config.error().message() ==
        "test.toml:3: storage.encryption_password: environment variable ZEROFS_PASSWORD is not "
        "set");
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = [\"${NOPE}:1\"]\n")) ==
        "test.toml:5: servers.nfs.addresses: environment variable NOPE is not set");
}

TEST_CASE("the default cache dir needs HOME") {
  auto config =
      zerofs::app::test_env::parse(std::string(zerofs::app::test_env::kStorage), fake_env({}));
  REQUIRE_FALSE(config);
  CHECK(config.error().message() ==
        "test.toml: cache.dir is not set and its default \"${HOME}/.cache/zerofs\" cannot be "
        "used: environment variable HOME is not set");
  CHECK(zerofs::app::test_env::parse(
      std::string(zerofs::app::test_env::kStorage) + "[cache]\ndir = \"/c\"\n", fake_env({})));
}
