"""Helpers of the SSH key tests: keys made by the real ssh-keygen in a temporary
directory, and what ssh-keygen says of them."""
import atexit
import os
import shutil
import subprocess
import tempfile
import uuid

_DIR = tempfile.mkdtemp(prefix="paasport-keys-")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def keygen(kind="ed25519", bits=None, comment="me@laptop"):
    """A new key pair: (private key path, public key line as ssh-keygen wrote it)."""
    path = os.path.join(_DIR, f"{kind}-{uuid.uuid4().hex[:8]}")
    cmd = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", comment, "-f", path]
    if bits:
        cmd += ["-b", str(bits)]
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    with open(path + ".pub") as f:
        return path, f.read()


def fingerprint(pub_line):
    """SHA256:... as `ssh-keygen -lf` prints it."""
    out = subprocess.run(["ssh-keygen", "-lf", "-"], input=pub_line, capture_output=True,
                         text=True, check=True).stdout
    return out.split()[1]


def add_key(client, name, content):
    r = client.post("/v1/keys", {"key": {"name": name, "content": content}})
    assert r.status_code == 201, r.text
    return r.json()["key"]
