# Shared set-up for scripts/run, scripts/test and scripts/bench: install the
# Debian packages that are missing, then configure and build. Sourced.
set -euo pipefail

MV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MV_BUILD=${MV_BUILD:-$MV_TOP/build}

# Everything the build, the tests and QEMU need, from Debian.
MV_PACKAGES=(
	cmake make gcc libc6-dev
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	qemu-system-arm ipxe-qemu
	device-tree-compiler libfdt-dev libelf-dev zlib1g-dev cpio xz-utils
	python3 python3-pexpect
	clang libclang-rt-dev
)

mv_log() { echo "modvisor: $*" >&2; }

mv_install_packages() {
	local missing=() pkg sudo=
	for pkg in "${MV_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	mv_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

mv_build() {
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	if [ ! -f "$MV_BUILD/CMakeCache.txt" ]; then
		cmake -S "$MV_TOP" -B "$MV_BUILD" -DCMAKE_BUILD_TYPE=Release >"$MV_BUILD.configure.log" 2>&1 || {
			cat "$MV_BUILD.configure.log" >&2
			mv_log "configuring the build failed"
			return 1
		}
		rm -f "$MV_BUILD.configure.log"
	fi
	cmake --build "$MV_BUILD" -j "$jobs" >"$MV_BUILD/build.log" 2>&1 || {
		grep -E "error|Error|warning" "$MV_BUILD/build.log" >&2 || tail -n 40 "$MV_BUILD/build.log" >&2
		mv_log "the build failed; full log in $MV_BUILD/build.log"
		return 1
	}
}

mv_setup() {
	mv_install_packages
	mkdir -p "$MV_BUILD"
	mv_build
}
