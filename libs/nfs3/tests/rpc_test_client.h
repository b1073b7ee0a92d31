// A minimal ONC RPC client for tests: builds call records, sends them over TCP and reads
// reply records, so the tests speak to the server exactly as a client on the wire would.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "base/async.h"
#include "nfs3/wire/record.h"
#include "nfs3/wire/rpc.h"

namespace nfs3::testing {

namespace asio = zerofs::asio;
using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Task;

// An AUTH_SYS identity for calls: uid 1000, gid 100, groups {100, 10}.
wire::AuthSys test_cred();

// A framed call record. `cred` null means AUTH_NONE.
Buffer make_call(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                 const wire::AuthSys* cred, ByteView args);

// Encodes `args` and frames an AUTH_SYS call.
template <typename Args>
Buffer make_call_with(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                      const Args& args) {
  Buffer body;
  wire::XdrEncoder enc(body);
  encode(enc, args);
  const wire::AuthSys cred = test_cred();
  return make_call(xid, prog, vers, proc, &cred, body.view());
}

struct Reply {
  wire::ReplyHeader header;
  Buffer record;
  std::size_t body_offset = 0;  // where the results start in `record`
  ByteView body() const { return record.view().subspan(body_offset); }
};

// Parses an unframed reply record; false if the header does not decode.
bool parse_reply(Buffer record, Reply& out);

// Strips the record mark of a single-fragment framed record.
ByteView unframe(const Buffer& framed);

// Decodes a result from a reply body and checks every byte was used.
template <typename Res>
bool decode_result(const Reply& reply, Res& out) {
  wire::XdrDecoder dec(reply.body());
  return decode(dec, out) && dec.remaining() == 0;
}

class TestClient {
 public:
  explicit TestClient(asio::any_io_executor ex) : socket_(std::move(ex)), reader_(64 << 20) {}

  Task<bool> connect(std::uint16_t port, const std::string& address = "127.0.0.1");
  Task<bool> send(ByteView bytes);
  // The next reply record; nullopt on end of stream or error.
  Task<std::optional<Reply>> receive();
  // Reads until the server closes; true if it closed without sending anything more.
  Task<bool> expect_closed();
  void close();

 private:
  asio::ip::tcp::socket socket_;
  wire::RecordReader reader_;
  Buffer pending_;  // bytes read past the last record
};

}  // namespace nfs3::testing
