// POSIX permission rules, as Linux applies them (generic_permission, may_delete, setattr
// checks). Pure functions of the credentials and the inodes involved.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "records.h"
#include "zvfs/types.h"

namespace zvfs {

// True when `cred` is granted every bit of `mask` (kMayRead|kMayWrite|kMayExec) on `inode`.
// Root is granted everything except exec of a non-directory without any x bit. The class
// (owner, group, other) is chosen first and only its bits count.
bool may_access(const Credentials& cred, const Inode& inode, std::uint32_t mask) noexcept;
// may_access, or access_denied.
zerofs::Result<void> check_access(const Credentials& cred, const Inode& inode, std::uint32_t mask);
// Data access by read/write/truncate: may_access, plus the owner override when the
// credentials ask for it (types.h).
zerofs::Result<void> check_data_access(const Credentials& cred, const Inode& inode,
                                       std::uint32_t mask);

bool owns_or_root(const Credentials& cred, const Inode& inode) noexcept;

// Removing or replacing `victim` in `dir`: write+search on dir and, in a sticky directory,
// ownership of the victim or the directory (not_permitted otherwise).
zerofs::Result<void> check_delete(const Credentials& cred, const Inode& dir, const Inode& victim);

// Mode bits after a write or truncate by `cred`: suid always, sgid when group-executable,
// cleared for non-root writers of regular files (Linux's file_remove_privs).
std::uint32_t mode_after_write(const Credentials& cred, const Inode& inode) noexcept;
// Mode bits after a chown of a non-directory (Linux clears them for every caller).
std::uint32_t mode_after_chown(const Inode& inode) noexcept;

// Name rules for a new entry: name_too_long past 255 bytes; invalid_argument when empty or
// holding '/' or NUL; already_exists for "." and "..".
zerofs::Result<void> check_new_name(std::string_view name);
// Name rules for looking an entry up: as check_new_name, but "." and ".." are allowed and
// an empty name is not_found.
zerofs::Result<void> check_lookup_name(std::string_view name);

}  // namespace zvfs
