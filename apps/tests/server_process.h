// A `zerofs run` child process for tests: started with a config and a password, its log
// (stderr) collected by a thread so the test can wait for lines without polling, stopped
// with any signal and reaped with its exit status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace zerofs::apptest {

class ServerProcess {
 public:
  // Starts `binary run -c config` with ZEROFS_PASSWORD=password (and ZEROFS_LOG=info) and
  // waits until it logs "zerofs is ready". Throws std::runtime_error (with the log) when it
  // exits or does not get ready within `timeout`.
  static std::unique_ptr<ServerProcess> start(const std::string& binary, const std::string& config,
                                              const std::string& password,
                                              std::chrono::seconds timeout);
  // Kills (SIGKILL) and reaps a process still running.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The port of the first "NFS server listening on HOST:PORT" line.
  std::uint16_t nfs_port() const;
  void send_signal(int signo);
  // Waits for the process to end: its exit status, or 128 + the signal that killed it.
  // Throws std::runtime_error when it is still running after `timeout`.
  int wait_exit(std::chrono::seconds timeout);
  std::string log() const;

 private:
  ServerProcess(pid_t pid, int log_fd);
  void read_log(int fd);
  bool wait_for(std::chrono::seconds timeout, const std::string& text);

  pid_t pid_;
  bool reaped_ = false;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool eof_ = false;
  std::thread reader_;
};

}  // namespace zerofs::apptest
