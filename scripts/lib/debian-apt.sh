# shellcheck shell=bash
# Debian packages for a target architecture through a project-local apt
# state: its own list, cache and sources directories, never the system's
# configuration. The sources are the system's own Debian archive entries
# (deb822 or one-line format) restricted to the target architecture, so apt
# verifies everything through the archive's signed indices. Sourced by
# scripts/fetch-target-debs and scripts/fetch-guest-images.

mv_apt_log() { echo "${MV_APT_PROG:-modvisor}: $*" >&2; }

# mv_apt_init ARCH STATE: prepares STATE (lists, cache, sources), takes its
# lock for the rest of the calling script, and sets MV_APT_OPTS, the options
# every apt-get/apt-cache call then uses.
mv_apt_init() {
	local arch=$1 state=$2 sources f
	MV_APT_ARCH=$arch
	MV_APT_STATE=$state
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	# One user of a state directory at a time (apt's own locking is off).
	exec {MV_APT_LOCK_FD}>"$state/lock"
	flock "$MV_APT_LOCK_FD"

	sources=$state/debian.sources
	if [ ! -s "$sources" ] && [ ! -s "$state/debian.list" ]; then
		: >"$sources.tmp"
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk -v arch="$arch" 'BEGIN{RS=""; ORS="\n\n"}
				/debian-archive-keyring/ && /Types:[^\n]*deb([ \n]|$)/ {
					gsub(/\nArchitectures:[^\n]*/, "");
					print $0 "\nArchitectures: " arch }' "$f" >>"$sources.tmp"
		done
		if [ ! -s "$sources.tmp" ] && [ -f /etc/apt/sources.list ]; then
			grep -E '^deb .*debian' /etc/apt/sources.list |
				sed "s/^deb /deb [arch=$arch] /" >"$state/debian.list"
		fi
		mv "$sources.tmp" "$sources"
	fi
	MV_APT_OPTS=(-q -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
		-o "Dir::State=$state" -o "Dir::State::Lists=$state/lists"
		-o "Dir::Cache=$state/cache" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Debug::NoLocking=1")
	if [ -s "$sources" ]; then
		mkdir -p "$state/parts"
		cmp -s "$sources" "$state/parts/debian.sources" ||
			cp "$sources" "$state/parts/debian.sources"
		MV_APT_OPTS+=(-o "Dir::Etc::SourceList=/dev/null"
			-o "Dir::Etc::SourceParts=$state/parts")
	else
		MV_APT_OPTS+=(-o "Dir::Etc::SourceList=$state/debian.list")
	fi
}

mv_apt_have_lists() {
	compgen -G "$MV_APT_STATE/lists/*_Packages*" >/dev/null
}

# mv_apt_update daily|force: refreshes the indices when there are none, when
# the last refresh is more than a day old, or always (force). Offline with
# indices already there, it says so once and goes on with them (a failed
# attempt is retried after an hour); without any, it fails.
mv_apt_update() {
	local state=$MV_APT_STATE log=$MV_APT_STATE/update.log f
	if [ "$1" != force ] && mv_apt_have_lists; then
		[ -n "$(find "$state/lists.stamp" -mmin -1440 2>/dev/null)" ] && return 0
		[ -n "$(find "$state/lists.failed" -mmin -60 2>/dev/null)" ] && return 0
	fi
	# apt-get update exits 0 when it could fetch nothing: read its log.
	if apt-get "${MV_APT_OPTS[@]}" -o Acquire::http::Timeout=20 \
		-o Acquire::Retries=1 update >"$log" 2>&1 &&
		! grep -qE '^(E:|W: (Failed to fetch|Some index files))' "$log"; then
		touch "$state/lists.stamp"
		rm -f "$state/lists.failed"
		return 0
	fi
	if mv_apt_have_lists; then
		touch "$state/lists.failed"
		f=$state/lists.stamp
		[ -e "$f" ] || f=$state/lists
		mv_apt_log "could not refresh Debian's $MV_APT_ARCH package indices" \
			"(offline?); using those of $(date -r "$f" '+%Y-%m-%d %H:%M')"
		return 0
	fi
	cat "$log" >&2
	mv_apt_log "apt-get update for $MV_APT_ARCH failed"
	return 1
}

# mv_apt_lists_id: one hash naming the current indices (their signed
# InRelease files, which carry the hashes of everything else).
mv_apt_lists_id() {
	cat "$MV_APT_STATE"/lists/*Release 2>/dev/null | sha256sum | cut -c1-64
}

# mv_apt_show PKG...: "package version sha256 size" of the candidate of
# each package that the indices know, one a line.
mv_apt_show() {
	apt-cache "${MV_APT_OPTS[@]}" show --no-all-versions \
		"${@/%/:$MV_APT_ARCH}" 2>/dev/null | awk '
		/^Package:/ { p = $2 } /^Version:/ { v = $2 }
		/^SHA256:/ { s = $2 } /^Size:/ { z = $2 }
		/^$/ { if (p != "") print p, v, s, z; p = "" }
		END { if (p != "") print p, v, s, z }'
}

# mv_apt_pkgnames PREFIX: the package names starting with PREFIX.
mv_apt_pkgnames() {
	apt-cache "${MV_APT_OPTS[@]}" pkgnames "$1" 2>/dev/null
}

# mv_apt_deb_name PKG VERSION: the file name apt-get download gives.
mv_apt_deb_name() {
	echo "${1}_${2//:/%3a}_$MV_APT_ARCH.deb"
}

# mv_apt_download PKG VERSION DIR: downloads that version into DIR (apt
# checks it against the signed indices) and prints the file's path.
mv_apt_download() {
	local pkg=$1 ver=$2 dir=$3 log=$MV_APT_STATE/download.log
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${MV_APT_OPTS[@]}" download "$pkg:$MV_APT_ARCH=$ver" \
		>"$log" 2>&1) || {
		cat "$log" >&2
		mv_apt_log "download of $pkg:$MV_APT_ARCH $ver failed"
		return 1
	}
	echo "$dir/$(mv_apt_deb_name "$pkg" "$ver")"
}
