#!/usr/bin/env bash
# The README's promise, checked the way a newcomer meets it: on a Debian 12 root that holds
# nothing but git, make, sudo and ca-certificates, a clone of the committed HEAD must pass
# `make run` (until /healthz answers) and then `make test`, each the first time.
#
# Usage: scripts/test-fresh.sh            (as root; `make test-fresh` runs it)
#
# The root is made once with debootstrap and kept as a tarball in $FRESH_CACHE (default
# /var/tmp/paasport-fresh); every run unpacks a new copy, so nothing carries over between runs.
# It needs the Debian mirror apt already uses, and the npm registry for the browser test.
# What the host has beside Debian and that any machine on its network would have too is copied
# in: the apt sources, the resolver, npm's settings and the certificate authorities named by the
# usual variables. Uncommitted changes are not tested: commit first.
# Prints one line per step with the seconds it took; logs stay in $FRESH_CACHE/logs/.
set -euo pipefail

top=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
cache=${FRESH_CACHE:-/var/tmp/paasport-fresh}
port=${FRESH_PORT:-18998}
suite=bookworm
logs="$cache/logs"

[ "$(id -u)" -eq 0 ] || { echo "test-fresh: needs root (it builds and enters a chroot)" >&2; exit 2; }
mkdir -p "$logs"

t0=$SECONDS
step_start=$SECONDS
say() { printf 'test-fresh: %-34s %5ss\n' "$1" "$((SECONDS - step_start))"; step_start=$SECONDS; }
fail() { printf 'test-fresh: %s FAILED after %ss (log: %s)\n' "$1" "$((SECONDS - step_start))" "$2"; tail -n 15 "$2" | sed 's/^/  | /'; exit 1; }

if ! command -v debootstrap >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >"$logs/host-apt.log" 2>&1 ||
		fail "installing debootstrap on the host" "$logs/host-apt.log"
fi

# The mirror the host's apt uses (deb822 sources first, then the classic list).
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "test-fresh: no Debian mirror in the host's apt sources" >&2; exit 2; }

tarball="$cache/$suite-minbase.tar.gz"
if [ ! -s "$tarball" ]; then
	tmp="$cache/debootstrap.$$"
	rm -rf "$tmp"
	debootstrap --variant=minbase --include=git,make,sudo,ca-certificates "$suite" "$tmp" "$mirror" \
		>"$logs/debootstrap.log" 2>&1 || fail "debootstrap $suite" "$logs/debootstrap.log"
	tar -C "$tmp" -czf "$tarball.part" . && mv "$tarball.part" "$tarball"
	rm -rf "$tmp"
	say "debootstrap $suite (cached)"
fi

root=$(mktemp -d "$cache/root.XXXXXX")
srv_pid=""
mounted=()
cleanup() {
	if [ -n "$srv_pid" ]; then kill -TERM -- "-$srv_pid" 2>/dev/null || true; fi
	# paasportd and test servers started inside the root must not keep it busy
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] && kill -KILL "$pid" 2>/dev/null || true
	done
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xzf "$tarball"

# What the host's network needs of any machine on it.
copy_in() { [ -e "$1" ] || return 0; mkdir -p "$root$(dirname "$1")"; cp -rL "$1" "$root$1"; }
copy_in /etc/resolv.conf
for f in /etc/apt/sources.list /etc/apt/sources.list.d /etc/apt/apt.conf.d /etc/npmrc /usr/etc/npmrc \
	/usr/local/share/ca-certificates; do copy_in "$f"; done
for f in $(sed -n 's/^cafile[[:space:]]*=[[:space:]]*//p' /etc/npmrc /usr/etc/npmrc 2>/dev/null); do copy_in "$f"; done
envs=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
for v in SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE NODE_EXTRA_CA_CERTS GIT_SSL_CAINFO; do
	[ -n "${!v:-}" ] || continue
	copy_in "${!v}"
	envs+=("$v=${!v}")
done
for m in proc sys dev dev/pts dev/shm; do
	mkdir -p "$root/$m"
	mount --bind "/$m" "$root/$m"
	mounted+=("$root/$m")
done

git clone -q "$top" "$root/home/paasport"
# shared/ sits beside the checkout, as on a developer's machine
if [ -d "$top/../shared" ]; then cp -r "$top/../shared" "$root/home/shared"; fi
rev=$(git -C "$top" rev-parse --short HEAD)
say "fresh root with a clone of $rev"

inside() { chroot "$root" /usr/bin/env -i "${envs[@]}" bash -c "cd /home/paasport && $1"; }

# make run: in its own session so that everything it started can be stopped at once.
setsid bash -c "$(declare -p root envs); $(declare -f inside); inside 'PAASPORT_LISTEN=127.0.0.1:$port make run'" \
	>"$logs/make-run.log" 2>&1 &
srv_pid=$!
up=""
for _ in $(seq 1 1800); do
	if out=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && cat <&3) 2>/dev/null) &&
		[[ "$out" == "HTTP/1."?" 200"* ]]; then
		up=1
		break
	fi
	kill -0 "$srv_pid" 2>/dev/null || break
	sleep 1
done
[ -n "$up" ] || fail "make run" "$logs/make-run.log"
url=$(sed -n 's/^paasportd is running: open \([^ ]*\).*/\1/p' "$logs/make-run.log" | head -n1)
say "make run: /healthz answers ${url:+($url)}"
kill -TERM -- "-$srv_pid" 2>/dev/null || true
wait "$srv_pid" 2>/dev/null || true
srv_pid=""

if ! inside "make test" >"$logs/make-test.log" 2>&1; then fail "make test" "$logs/make-test.log"; fi
say "make test: $(grep -E '^all: [0-9]+ passed' "$logs/make-test.log" | tail -n1)"
printf 'test-fresh: %-34s %5ss\n' "total" "$((SECONDS - t0))"
