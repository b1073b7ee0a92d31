// http::Client over TLS against a loopback HTTPS server whose certificates the test makes
// itself (a private CA and a server certificate for "localhost"): the peer is verified
// against `ca_file`, unknown CAs and wrong host names fail permanently, connections are
// reused, and large bodies go both ways intact.
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <memory>
#include <thread>

#include "http/http_client.h"
#include "store_test_util.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"

using namespace zobj;
namespace asio = zerofs::asio;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kBigBody = 8u << 20;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by `issuer` (self-signed when null).
Cert make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
               long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  REQUIRE(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0);
  return cert;
}

template <typename Write>
std::string to_pem(Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(write(bio) == 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

// The private CA (its PEM in a file, as a user would configure it) and a server
// certificate for "localhost" that it signed.
struct TestPki {
  zerofs::testing::TempDir dir;
  std::string ca_file;
  std::string server_cert_pem;
  std::string server_key_pem;

  TestPki() {
    Key ca_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    Key server_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    REQUIRE(ca_key);
    REQUIRE(server_key);
    Cert ca = make_cert(ca_key.get(), "zerofs test CA", nullptr, nullptr, true, 1);
    Cert server = make_cert(server_key.get(), "localhost", ca.get(), ca_key.get(), false, 2);
    ca_file = (dir.path() / "ca.pem").string();
    std::ofstream(ca_file) << to_pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()); });
    server_cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, server.get()); });
    server_key_pem = to_pem([&](BIO* b) {
      return PEM_write_bio_PrivateKey(b, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
  }
};

// Answers GET /big with kBigBody bytes of random_bytes(kBigBody, 1), any other request with
// "<bytes received> <sum of their values>".
class TlsServer {
 public:
  explicit TlsServer(const TestPki& pki) : acceptor_(io_) {
    tls_.use_certificate_chain(asio::buffer(pki.server_cert_pem));
    tls_.use_private_key(asio::buffer(pki.server_key_pem), asio::ssl::context::pem);
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(at.protocol());
    acceptor_.bind(at);
    acceptor_.listen();
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TlsServer() {
    io_.stop();
    thread_.join();
  }
  http::Endpoint endpoint(std::string host) const {
    http::Endpoint ep;
    ep.host = std::move(host);
    ep.port = acceptor_.local_endpoint().port();
    return ep;
  }
  int handshakes() const { return handshakes_.load(); }

 private:
  using Stream = asio::ssl::stream<tcp::socket>;

  zerofs::Task<void> accept() {
    for (;;) {
      auto accepted = co_await acceptor_.async_accept(kTuple);
      if (std::get<0>(accepted)) co_return;
      auto stream = std::make_shared<Stream>(std::move(std::get<1>(accepted)), tls_);
      asio::co_spawn(io_, serve(stream), asio::detached);
    }
  }

  zerofs::Task<void> serve(std::shared_ptr<Stream> stream) {
    auto shaken = co_await stream->async_handshake(asio::ssl::stream_base::server, kTuple);
    if (std::get<0>(shaken)) co_return;  // the client refused our certificate
    handshakes_.fetch_add(1);
    const zerofs::Buffer big = zobj::testing::random_bytes(kBigBody, 1);
    asio::streambuf input;
    for (;;) {
      auto header = co_await asio::async_read_until(*stream, input, "\r\n\r\n", kTuple);
      if (std::get<0>(header)) co_return;
      const std::string head(
          asio::buffers_begin(input.data()),
          asio::buffers_begin(input.data()) + static_cast<std::ptrdiff_t>(std::get<1>(header)));
      input.consume(std::get<1>(header));
      std::size_t length = 0;
      for (const char* name : {"Content-Length: ", "content-length: "}) {
        if (const auto at = head.find(name); at != std::string::npos) {
          length = std::stoul(head.substr(at + std::string_view(name).size()));
        }
      }
      if (input.size() < length) {
        auto more = co_await asio::async_read(
            *stream, input, asio::transfer_exactly(length - input.size()), kTuple);
        if (std::get<0>(more)) co_return;
      }
      std::uint64_t sum = 0;
      const auto* bytes = static_cast<const unsigned char*>(input.data().data());
      for (std::size_t i = 0; i < length; ++i) sum += bytes[i];
      input.consume(length);
      const bool get_big = head.starts_with("GET /big ");
      const std::string body = get_big ? std::string() : fmt::format("{} {}", length, sum);
      const std::string reply = fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
                                            get_big ? kBigBody : body.size(), body);
      auto written = co_await asio::async_write(*stream, asio::buffer(reply), kTuple);
      if (std::get<0>(written)) co_return;
      if (get_big) {
        auto sent =
            co_await asio::async_write(*stream, asio::buffer(big.data(), big.size()), kTuple);
        if (std::get<0>(sent)) co_return;
      }
    }
  }

  asio::io_context io_;
  asio::ssl::context tls_{asio::ssl::context::tls_server};
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> handshakes_{0};
};

Result<http::Response> send(http::Client& client, const http::Endpoint& ep, std::string method,
                            std::string target, zerofs::ByteView body = {}) {
  http::Request request(std::move(method), std::move(target));
  request.body = body;
  asio::io_context io;
  return zerofs::run_blocking(io, client.send(ep, std::move(request)));
}

std::unique_ptr<http::Client> tls_client(std::string ca_file) {
  http::ClientOptions options;
  options.ca_file = std::move(ca_file);
  options.connect_timeout = std::chrono::seconds(5);
  options.io_timeout = std::chrono::seconds(5);
  return http::Client::create(options).value();
}

}  // namespace

TEST_CASE("https: the server is verified against ca_file, bodies stream intact, reuse") {
  TestPki pki;
  TlsServer server(pki);
  auto client = tls_client(pki.ca_file);
  const http::Endpoint ep = server.endpoint("localhost");

  const auto hello = send(*client, ep, "GET", "/hello");
  REQUIRE(hello);
  CHECK(hello->status == 200);
  CHECK(std::string(hello->body.chars()) == "0 0");

  const zerofs::Buffer upload = zobj::testing::random_bytes(kBigBody, 7);
  std::uint64_t sum = 0;
  for (const std::byte b : upload.view()) sum += std::to_integer<unsigned>(b);
  const auto put = send(*client, ep, "PUT", "/upload", upload.view());
  REQUIRE(put);
  CHECK(std::string(put->body.chars()) == fmt::format("{} {}", kBigBody, sum));

  const auto big = send(*client, ep, "GET", "/big");
  REQUIRE(big);
  CHECK(big->body == zobj::testing::random_bytes(kBigBody, 1));

  // One TLS session carried all three requests.
  CHECK(client->stats().connections_opened == 1);
  CHECK(client->stats().connections_reused == 2);
  CHECK(server.handshakes() == 1);
}

TEST_CASE("https: an unknown CA or a host name the certificate does not name fails permanently") {
  TestPki pki;
  TlsServer server(pki);

  // The system's CAs do not know the test CA.
  auto system_cas = tls_client("");
  const auto untrusted = send(*system_cas, server.endpoint("localhost"), "GET", "/x");
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.error().code() == zerofs::Errc::permanent);
  CHECK_THAT(untrusted.error().message(), Catch::Contains("TLS failure"));

  // The right CA, but the certificate names "localhost", not "127.0.0.1".
  auto trusting = tls_client(pki.ca_file);
  const auto wrong_name = send(*trusting, server.endpoint("127.0.0.1"), "GET", "/x");
  REQUIRE_FALSE(wrong_name);
  CHECK(wrong_name.error().code() == zerofs::Errc::permanent);
  CHECK_THAT(wrong_name.error().message(), Catch::Contains("TLS failure"));

  CHECK(server.handshakes() == 0);
  // The same client reaches the right name.
  CHECK(send(*trusting, server.endpoint("localhost"), "GET", "/x"));
  CHECK(server.handshakes() == 1);
}
