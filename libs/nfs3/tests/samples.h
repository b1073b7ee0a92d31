// Fully populated sample values of every NFSv3, MOUNT and portmapper message, covering each
// union arm (ok and failure results, every createmode, time_how, mknod type). Fields the
// chosen arm does not encode keep their defaults, so a round trip must compare equal.
#pragma once

#include <vector>

#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_codec.h"
#include "nfs3/wire/portmap.h"

namespace nfs3::testing {

template <typename T>
std::vector<T> samples();

wire::NfsFh3 sample_fh(int seed);
wire::Fattr3 sample_fattr(int seed);
wire::WccData sample_wcc(int seed);

}  // namespace nfs3::testing
