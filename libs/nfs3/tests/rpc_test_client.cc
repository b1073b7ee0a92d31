#include "rpc_test_client.h"

#include <boost/asio/write.hpp>

namespace nfs3::testing {

using tcp = asio::ip::tcp;

wire::AuthSys test_cred() {
  wire::AuthSys c;
  c.stamp = 7;
  c.machinename = "testhost";
  c.uid = 1000;
  c.gid = 100;
  c.add_group(100);
  c.add_group(10);
  return c;
}

Buffer make_call(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                 const wire::AuthSys* cred, ByteView args) {
  Buffer cred_body;
  if (cred != nullptr) {
    wire::XdrEncoder cred_enc(cred_body);
    wire::encode(cred_enc, *cred);
  }
  wire::CallHeader h;
  h.xid = xid;
  h.prog = prog;
  h.vers = vers;
  h.proc = proc;
  h.cred = {cred != nullptr ? wire::AuthFlavor::sys : wire::AuthFlavor::none, cred_body.view()};
  Buffer out;
  const std::size_t mark = wire::begin_record(out);
  wire::XdrEncoder enc(out);
  wire::encode(enc, h);
  out.append(args);
  wire::end_record(out, mark);
  return out;
}

bool parse_reply(Buffer record, Reply& out) {
  wire::XdrDecoder dec(record.view());
  if (!wire::decode(dec, out.header)) return false;
  out.body_offset = record.size() - dec.remaining();
  out.record = std::move(record);
  return true;
}

ByteView unframe(const Buffer& framed) { return framed.view().subspan(4); }

Task<bool> TestClient::connect(std::uint16_t port, const std::string& address) {
  const tcp::endpoint ep(asio::ip::make_address(address), port);
  auto [ec] = co_await socket_.async_connect(ep, asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

Task<bool> TestClient::send(ByteView bytes) {
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                            asio::as_tuple(asio::use_awaitable));
  co_return !ec && n == bytes.size();
}

Task<std::optional<Reply>> TestClient::receive() {
  std::byte buf[4096];
  while (true) {
    ByteView input = pending_.view();
    const auto status = reader_.next(input);
    Buffer rest = Buffer::copy_of(input);
    pending_ = std::move(rest);
    if (status == wire::RecordReader::Status::record) {
      Reply r;
      if (!parse_reply(reader_.take_record(), r)) co_return std::nullopt;
      co_return r;
    }
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf, sizeof buf),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec || n == 0) co_return std::nullopt;
    pending_.append(ByteView(buf, n));
  }
}

Task<bool> TestClient::expect_closed() {
  if (!pending_.empty()) co_return false;
  std::byte buf[256];
  auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf, sizeof buf),
                                                  asio::as_tuple(asio::use_awaitable));
  co_return n == 0 && ec;
}

void TestClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace nfs3::testing
