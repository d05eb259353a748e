#!/usr/bin/env bash
# scripts/sshd-dev.sh - a local OpenSSH sshd for trying `git push` against the
# paasportd of `make run` (docs/git-ssh.md "Trying it locally").
#
# Starts /usr/sbin/sshd in the foreground (-D -e) on 127.0.0.1:$SSHD_DEV_PORT
# (default 2222) with its own host key and configuration under var/sshd/: no
# authorized_keys file, paasport-ssh as AuthorizedKeysCommand for the git user,
# no TTY, no forwarding, no password. Ctrl-C stops it. While it runs, `make run`
# prints the git remote to use.
#
# Run it as root (sshd switches to the user who logs in): `sudo scripts/sshd-dev.sh`.
# The git user is, by default, the owner of the database (the user running
# `make run`): paasport-ssh then reads and writes the same SQLite file and
# repositories as paasportd. With root as that user, the configuration allows
# root only through the forced command (PermitRootLogin forced-commands-only).
# A dedicated user (SSHD_DEV_USER=paasport-git, created with useradd when
# missing) needs read-write access to the database, its directory and the
# repositories: production runs paasportd as that user, or uses PostgreSQL
# (docs/git-ssh.md).
#
# sshd runs the AuthorizedKeysCommand only when the program and every parent
# directory are root-owned and not group/world-writable: set PAASPORT_SSH_BIN
# to an installed copy (install -o root -m 755 bin/paasport-ssh
# /usr/local/libexec/paasport-ssh) when bin/ does not qualify.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
PORT=${SSHD_DEV_PORT:-2222}
STATE=$REPO/var/sshd
HELPER=${PAASPORT_SSH_BIN:-$REPO/bin/paasport-ssh}
DB=${PAASPORT_DATABASE:-var/paasport.db}
REPOS=${PAASPORT_REPO_ROOT:-var/repos}
case $DB in /*) ;; *) DB=$REPO/$DB ;; esac
case $REPOS in /*) ;; *) REPOS=$REPO/$REPOS ;; esac
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

die() { echo "sshd-dev: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run it as root (sudo $0): sshd must switch to the git user"
[ -x "$SSHD" ] || die "no sshd: apt-get install openssh-server"
[ -x "$HELPER" ] || die "$HELPER missing: run make all"
[ -f "$DB" ] || die "$DB missing: start paasportd (make run) once first"
for p in "$HELPER" "$DB" "$REPOS"; do
	case $p in *[[:space:]\"\'\\]*) die "'$p' holds a space, a quote or a backslash" ;; esac
done
# sshd's rule for the command's path: root-owned, not group/world-writable, up to /
p=$(readlink -f "$HELPER")
while :; do
	read -r uid mode < <(stat -c '%u %a' "$p")
	if [ "$uid" != 0 ] || (( 8#$mode & 8#022 )); then
		die "sshd refuses $HELPER: $p is not root-owned or is group/world-writable (see PAASPORT_SSH_BIN above)"
	fi
	[ "$p" = / ] && break
	p=$(dirname "$p")
done

USER_NAME=${SSHD_DEV_USER:-$(stat -c %U "$DB")}
if ! getent passwd "$USER_NAME" >/dev/null; then
	useradd --system --create-home --shell /bin/sh "$USER_NAME"
	echo "sshd-dev: created the system user $USER_NAME (give it access to $DB and $REPOS)"
fi

mkdir -p "$STATE" /run/sshd
chmod 700 "$STATE"
[ -f "$STATE/host_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -f "$STATE/host_ed25519"
cat >"$STATE/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $STATE/host_ed25519
PidFile $STATE/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile none
PermitRootLogin forced-commands-only
PermitUserEnvironment no

Match User $USER_NAME
    AuthorizedKeysFile none
    AuthorizedKeysCommand $HELPER --database=$DB --repo-root=$REPOS --git-user=$USER_NAME keys %u %t %k
    AuthorizedKeysCommandUser $USER_NAME
    PermitTTY no
    DisableForwarding yes
    PasswordAuthentication no
CONF
"$SSHD" -t -f "$STATE/sshd_config"
echo "ssh://$USER_NAME@127.0.0.1:$PORT/APP.git" >"$STATE/remote"
echo "sshd-dev: listening on 127.0.0.1:$PORT as git user $USER_NAME"
echo "  git remote add paasport ssh://$USER_NAME@127.0.0.1:$PORT/APP.git"
echo "  ssh -T -p $PORT $USER_NAME@127.0.0.1   (greets you with your account and key)"
"$SSHD" -D -e -f "$STATE/sshd_config" &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$STATE/remote"' EXIT
trap 'exit 0' INT TERM
wait "$pid"
