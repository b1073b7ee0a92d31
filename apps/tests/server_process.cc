#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

extern char** environ;

namespace zerofs::apptest {

namespace {

std::runtime_error failure(const std::string& what, const std::string& log) {
  return std::runtime_error(what + "\n---- server log\n" + log);
}

// The parent's environment with ZEROFS_PASSWORD and ZEROFS_LOG replaced.
std::vector<std::string> child_environment(const std::string& password) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("ZEROFS_PASSWORD=") || entry.starts_with("ZEROFS_LOG=")) continue;
    env.emplace_back(entry);
  }
  env.push_back("ZEROFS_PASSWORD=" + password);
  env.push_back("ZEROFS_LOG=info");
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::start(const std::string& binary,
                                                    const std::string& config,
                                                    const std::string& password,
                                                    std::chrono::seconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<std::string> args = {binary, "run", "-c", config};
  std::vector<std::string> env = child_environment(password);
  auto argv = pointers(args);
  auto envp = pointers(env);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  }
  std::unique_ptr<ServerProcess> process(new ServerProcess(pid, fds[0]));
  if (!process->wait_for(timeout, "zerofs is ready")) {
    throw failure("zerofs run did not get ready", process->log());
  }
  return process;
}

ServerProcess::ServerProcess(pid_t pid, int log_fd)
    : pid_(pid), reader_([this, log_fd] { read_log(log_fd); }) {}

ServerProcess::~ServerProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  reader_.join();
}

void ServerProcess::read_log(int fd) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      break;
    }
    log_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

bool ServerProcess::wait_for(std::chrono::seconds timeout, const std::string& text) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return eof_ || log_.find(text) != std::string::npos; });
  return log_.find(text) != std::string::npos;
}

std::uint16_t ServerProcess::nfs_port() const {
  std::lock_guard lock(mutex_);
  constexpr std::string_view kLine = "NFS server listening on ";
  const std::size_t at = log_.find(kLine);
  if (at == std::string::npos) throw failure("no NFS listener in the log", log_);
  const std::size_t end = log_.find('\n', at);
  const std::string address = log_.substr(at + kLine.size(), end - at - kLine.size());
  return static_cast<std::uint16_t>(std::stoul(address.substr(address.rfind(':') + 1)));
}

void ServerProcess::send_signal(int signo) { ::kill(pid_, signo); }

int ServerProcess::wait_exit(std::chrono::seconds timeout) {
  // The child's exit closes the log pipe (nothing else holds it: it is O_CLOEXEC here).
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return eof_; })) {
      throw failure("zerofs run is still running", log_);
    }
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  reaped_ = true;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::string ServerProcess::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

}  // namespace zerofs::apptest
