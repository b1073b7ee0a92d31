#!/usr/bin/env bash
# ganesha_conf.sh EXPORT_DIR RECOVERY_DIR: prints an nfs-ganesha configuration that serves
# EXPORT_DIR over NFSv3/TCP with the VFS FSAL (NFS on 2049, MOUNT on 20048, no NLM, no UDP),
# for the VM stand-in tests (tests/vm/standin.sh) and bench/nfs_bench.sh.
# No Bind_addr: ganesha resolves it with AI_ADDRCONFIG, which fails in a namespace that has
# only loopback; callers run it in a namespace with no other interface, so 0.0.0.0 is loopback.
set -eu
export_dir="${1:?usage: ganesha_conf.sh EXPORT_DIR RECOVERY_DIR}"
recovery_dir="${2:?usage: ganesha_conf.sh EXPORT_DIR RECOVERY_DIR}"
cat <<CONF
NFS_CORE_PARAM {
  NFS_Port = 2049;
  MNT_Port = 20048;
  Protocols = 3;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
}
NFSV4 { Graceless = true; RecoveryRoot = "$recovery_dir"; }
EXPORT {
  Export_Id = 1;
  Path = "$export_dir";
  Pseudo = "$export_dir";
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 3;
  Transports = TCP;
  FSAL { Name = VFS; }
}
CONF
