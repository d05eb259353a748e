"""A real OpenSSH sshd for the git-over-SSH tests: its own host key and
configuration in a temporary directory, on a free loopback port, with
paasport-ssh as AuthorizedKeysCommand for the git user (docs/git-ssh.md), and
the ssh / git client commands that reach it."""
import getpass
import os
import shutil
import subprocess
import tempfile
import time

from conftest import BIN, free_port

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def why_not():
    """Why the test cannot run here (None when it can)."""
    if os.geteuid() != 0:
        return "sshd checks keys for other users only when run as root"
    if not os.path.exists(SSHD) or not shutil.which("ssh") or not shutil.which("git"):
        return "OpenSSH server, client or git missing"
    return None


def safe_path(p):
    """True when p and every parent directory are root-owned and writable by root alone,
    as sshd requires of the AuthorizedKeysCommand."""
    p = os.path.realpath(p)
    while True:
        st = os.stat(p)
        if st.st_uid != 0 or st.st_mode & 0o022:
            return False
        if p == "/":
            return True
        p = os.path.dirname(p)


class Sshd:
    def __init__(self, server, git_user=None):
        self.server = server
        self.user = git_user or getpass.getuser()
        self.dir = tempfile.mkdtemp(prefix="paasport-sshd-")
        self.port = free_port()
        self.host_key = os.path.join(self.dir, "host_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.host_key],
                       check=True)
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation
        helper = os.path.realpath(os.path.join(BIN, "paasport-ssh"))
        self.helper_dir = None
        if not safe_path(helper):
            # a checkout under /tmp or a user's home: run a copy from a directory that
            # sshd accepts (/run is root's and 0755), as an operator installs it
            self.helper_dir = tempfile.mkdtemp(prefix="paasport-ssh-", dir="/run")
            os.chmod(self.helper_dir, 0o755)
            shutil.copy2(helper, os.path.join(self.helper_dir, "paasport-ssh"))
            helper = os.path.join(self.helper_dir, "paasport-ssh")
            os.chmod(helper, 0o755)
            assert safe_path(helper), helper
        self.log_path = os.path.join(self.dir, "sshd.log")
        env = server.env
        cmd = (f"{helper} --database={env['PAASPORT_DATABASE']} "
               f"--repo-root={env['PAASPORT_REPO_ROOT']} --git-user={self.user} "
               f"keys %u %t %k")
        conf = os.path.join(self.dir, "sshd_config")
        with open(conf, "w") as f:
            f.write(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.host_key}
PidFile {self.dir}/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile none
PermitRootLogin forced-commands-only
PermitUserEnvironment no
LogLevel VERBOSE
Match User {self.user}
    AuthorizedKeysFile none
    AuthorizedKeysCommand {cmd}
    AuthorizedKeysCommandUser {self.user}
    PermitTTY no
    DisableForwarding yes
    PasswordAuthentication no
""")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", conf], stdout=self.log,
                                     stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.time() + 10
        import socket
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd exited:\n" + self.read_log())
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("sshd did not listen:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def ssh_args(self, *keys):
        a = ["ssh", "-F", "/dev/null", "-p", str(self.port), "-o", "BatchMode=yes",
             "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR"]
        for k in keys:
            a += ["-i", k]
        return a

    def ssh(self, keys, command=None):
        """ssh -T to the git user with these private keys, offered in this order."""
        args = self.ssh_args(*keys) + ["-T", f"{self.user}@127.0.0.1"]
        if command is not None:
            args.append(command)
        return subprocess.run(args, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def remote(self, app):
        return f"ssh://{self.user}@127.0.0.1:{self.port}/{app}.git"

    def git(self, key, *args, cwd=None):
        env = dict(os.environ)
        env["GIT_SSH_COMMAND"] = " ".join(self.ssh_args(key))
        env["GIT_TERMINAL_PROMPT"] = "0"
        return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.helper_dir:
            shutil.rmtree(self.helper_dir, ignore_errors=True)
