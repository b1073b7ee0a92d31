// The single translation unit that compiles Boost.Beast (BOOST_BEAST_SEPARATE_COMPILATION)
// and Asio's OpenSSL glue (the rest of Asio is compiled once in libs/base/src/asio_impl.cc).
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
