#!/usr/bin/env bash
# Builds a local PostgreSQL image from this machine's Debian postgresql package, for machines whose Docker
# engine cannot pull images. The image is FROM scratch: the server binaries (postgres, initdb, pg_ctl), the
# files they need (share/, extension libraries, time zones, the C.UTF-8 locale), bash as /bin/sh (initdb
# runs postgres through popen), the shared libraries ldd finds for all of them, and a static Go entry point
# (docker/postgres/entrypoint) that behaves like the official image's: POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, a temporary init server, then the real server on 0.0.0.0:5432, so the readiness line is
# logged twice. (docker import cannot set STOPSIGNAL, so docker stop asks for PostgreSQL's smart shutdown;
# testcontainers removes containers by force anyway.)
#
# Usage: docker/postgres/build.sh [--no-verify] [TAG]
#   TAG defaults to $YAPSTORE_IMAGE_TAG, else yapstore/postgres:<major>-local (<major> from the host's
#   package). The script installs the postgresql package first when its binaries are missing (as root).
#   It does nothing when an image with the tag was already built from the same inputs. After a build it
#   verifies the image through testcontainers (go test -tags imagetest ./docker/postgres/entrypoint)
#   unless --no-verify is given.
# Output: the tag on stdout (progress on stderr), so that YAPSTORE_TEST_IMAGE=$(docker/postgres/build.sh).
set -euo pipefail

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

verify=1
if [[ "${1:-}" == "--no-verify" ]]; then
	verify=0
	shift
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# find_bindir prints the newest /usr/lib/postgresql/<major>/bin holding postgres and initdb.
find_bindir() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
		if [[ -x "$dir/postgres" && -x "$dir/initdb" ]]; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

if ! bindir=$(find_bindir); then
	[[ $(id -u) -eq 0 ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql; run as root or: apt-get install postgresql"
	command -v apt-get >/dev/null || die "no PostgreSQL server binaries and no apt-get; this script needs Debian's postgresql package"
	log "installing Debian's postgresql package (without creating a cluster or starting a service)"
	mkdir -p /etc/postgresql-common/createcluster.d
	echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/yapstore-no-main-cluster.conf
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
	bindir=$(find_bindir) || die "the postgresql package installed no server binaries under /usr/lib/postgresql"
fi
command -v docker >/dev/null || die "docker is not installed"
command -v go >/dev/null || die "go is not installed (it builds the entry point)"

major=$(basename "$(dirname "$bindir")")
libdir=/usr/lib/postgresql/$major/lib
sharedir=/usr/share/postgresql/$major
version=$("$bindir/postgres" --version)
tag=${1:-${YAPSTORE_IMAGE_TAG:-yapstore/postgres:${major}-local}}
# The image is rebuilt when any input changes: the server, this script, the entry point or its modules.
key=$(
	cd "$repo_root"
	{
		echo "$version"
		sha256sum "$bindir/postgres" "$bindir/initdb" docker/postgres/build.sh docker/postgres/entrypoint/*.go go.mod
	} | sha256sum | cut -c1-32
)

if [[ $(docker image inspect -f '{{ index .Config.Labels "org.yapstore.build-key" }}' "$tag" 2>/dev/null || true) == "$key" ]]; then
	log "$tag is up to date ($version)"
	echo "$tag"
	exit 0
fi

log "building $tag from $version"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The entry point: static, so the image needs no shell and no Go runtime.
(cd "$repo_root" && CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' \
	-o "$root/usr/local/bin/docker-entrypoint" ./docker/postgres/entrypoint)

# The server's own files.
mkdir -p "$root$bindir" "$root$libdir" "$root/usr/share/postgresql" "$root/bin" "$root/usr/bin"
for prog in postgres initdb pg_ctl; do
	cp -L "$bindir/$prog" "$root$bindir/"
done
# initdb runs postgres through popen(), which needs /bin/sh, and lists locales with locale. The shell is
# bash because testcontainers' port check (postgres.BasicWaitStrategies) ends with
# sh -c '</dev/tcp/localhost/5432', which only bash understands. Nothing else of a userland is copied.
cp -L /bin/bash "$root/bin/sh"
cp -L "$(command -v locale)" "$root/usr/bin/locale"
# Every extension library but the LLVM JIT provider, which would pull in all of LLVM; the server runs
# without JIT when the provider is missing.
find "$libdir" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp -L {} "$root$libdir/" \;
cp -a "$sharedir" "$root/usr/share/postgresql/"
cp -a /usr/share/zoneinfo "$root/usr/share/"
if [[ -d /usr/lib/locale/C.utf8 ]]; then
	mkdir -p "$root/usr/lib/locale"
	cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
	lang=C.UTF-8
else
	lang=C
fi

# The shared libraries, and the dynamic loader, that the copied programs and libraries link.
{
	for f in "$root$bindir"/* "$root$libdir"/*.so "$root/bin/sh" "$root"/usr/bin/*; do
		ldd "$f" 2>/dev/null || true
	done
} | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u | while read -r lib; do
	cp -L --parents "$lib" "$root/"
done

# Accounts, as in the official Debian-based image (postgres is uid 999), and the directories the server
# expects.
mkdir -p "$root/etc" "$root/tmp" "$root/var/run/postgresql" "$root/var/lib/postgresql/data"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/nonexistent
postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/nonexistent
nobody:x:65534:65534:nobody:/nonexistent:/nonexistent
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
postgres:x:999:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"
chown 999:999 "$root/var/run/postgresql" "$root/var/lib/postgresql" "$root/var/lib/postgresql/data"
chmod 3777 "$root/var/run/postgresql"
chmod 700 "$root/var/lib/postgresql/data"

tar --numeric-owner -C "$root" -c . | docker import \
	--change "ENV PATH=$bindir:/usr/local/bin:/usr/bin:/bin" \
	--change "ENV PGDATA=/var/lib/postgresql/data" \
	--change "ENV LANG=$lang" \
	--change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint"]' \
	--change 'CMD ["postgres"]' \
	--change 'EXPOSE 5432' \
	--change "LABEL org.yapstore.build-key=$key" \
	--change "LABEL org.yapstore.postgres-version=\"$version\"" \
	- "$tag" >/dev/null
log "built $tag ($(docker image inspect -f '{{ .Size }}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

if [[ $verify -eq 1 ]]; then
	log "verifying $tag through testcontainers"
	if ! (cd "$repo_root" && YAPSTORE_TEST_IMAGE=$tag TESTCONTAINERS_RYUK_DISABLED=true \
		go test -tags imagetest -count=1 ./docker/postgres/entrypoint >&2); then
		docker image rm "$tag" >/dev/null || true
		die "$tag failed verification and was removed"
	fi
fi
echo "$tag"
