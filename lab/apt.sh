# shellcheck shell=bash
# Access to Debian's archive through the mirror this machine's apt is
# configured with. The mirror is read from the apt configuration at run time
# and is never written into the repository.
#
# apt_mirror            -> the first Debian archive URI of the system sources
# apt_security_mirror   -> the URI of their security stanza (may be empty)
# apt_codename          -> the system's Debian codename (bookworm, ...)
# lab_apt ARGS...       -> apt-get/apt-cache with a private state directory
#                          that knows every suite we fetch kernel trees from,
#                          leaving the machine's apt state untouched.

apt_mirror() {
	local uri=""
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: the URIs line of a stanza whose Suites do not name -security.
		uri=$(awk '
			/^[[:space:]]*$/ { if (u != "" && s !~ /security/) { print u; exit } u = ""; s = "" }
			/^URIs:/ { u = $2 }
			/^Suites:/ { s = $0 }
			END { if (u != "" && s !~ /security/) print u }' "$f" | head -n 1)
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" && $0 !~ /security/ && $0 ~ /debian/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
	fi
	[ -n "$uri" ] || die "no Debian archive found in the apt configuration" "check /etc/apt/sources.list.d/*.sources"
	echo "$uri"
}

apt_security_mirror() {
	local f
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk '/^[[:space:]]*$/ { u = "" } /^URIs:/ { u = $2 } /^Suites:/ && /-security/ && u != "" { print u; exit }' "$f"
		done
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" && $0 ~ /-security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }'
	} | head -n 1 || true
}

apt_codename() {
	# shellcheck disable=SC1091
	(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
}

LAB_APT_DIR=$LAB_CACHE/apt

# The suites kernel trees may come from: the stable line and its backports,
# the next stable and its backports, unstable and experimental.
_lab_apt_suites() {
	local c
	c=$(apt_codename)
	case "$c" in
	bookworm) echo "bookworm bookworm-backports trixie trixie-backports sid experimental" ;;
	trixie) echo "trixie trixie-backports forky forky-backports sid experimental" ;;
	*) echo "$c $c-backports sid experimental" ;;
	esac
}

_lab_apt_opts() {
	echo "-o Dir::State=$LAB_APT_DIR/state -o Dir::State::status=/var/lib/dpkg/status" \
		"-o Dir::Cache=$LAB_APT_DIR/cache -o Dir::Etc::sourcelist=/dev/null" \
		"-o Dir::Etc::sourceparts=$LAB_APT_DIR/sources.list.d" \
		"-o Dir::Etc::preferencesparts=$LAB_APT_DIR/preferences.d" \
		"-o APT::Get::AllowUnauthenticated=false -o Debug::NoLocking=true"
}

# The security suites of the stable lines above (Debian's point releases of
# a kernel line reach the security archive first: 6.12.118 was there while
# trixie itself had 6.12.117).
_lab_apt_security_suites() {
	local s out=
	for s in $(_lab_apt_suites); do
		case "$s" in *-backports | sid | experimental) ;; *) out+="${out:+ }$s-security" ;; esac
	done
	echo "$out"
}

# lab_apt_update: refresh the private package lists (at most once an hour,
# and whenever the suites they come from change).
lab_apt_update() {
	mkdir -p "$LAB_APT_DIR"/{state/lists/partial,cache/archives/partial,sources.list.d,preferences.d}
	local uri sec stamp=$LAB_APT_DIR/state/updated src=$LAB_APT_DIR/sources.list.d/lab.sources
	uri=$(apt_mirror)
	sec=$(apt_security_mirror)
	{
		cat <<EOF
Types: deb deb-src
URIs: $uri
Suites: $(_lab_apt_suites)
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
		[ -z "$sec" ] || cat <<EOF

Types: deb deb-src
URIs: $sec
Suites: $(_lab_apt_security_suites)
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	} >"$src.new"
	cmp -s "$src.new" "$src" || rm -f "$stamp"
	mv "$src.new" "$src"
	if [ -f "$stamp" ] && [ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		return 0
	fi
	log fetch "refreshing the private package lists from the configured Debian mirror"
	# shellcheck disable=SC2046
	if ! apt-get $(_lab_apt_opts) update >"$LAB_APT_DIR/update.log" 2>&1; then
		tail_log "$LAB_APT_DIR/update.log"
		die "the Debian archive is unreachable through the configured mirror (log: $LAB_APT_DIR/update.log)" \
			"check the network and 'apt-get update'; nothing was changed"
	fi
	touch "$stamp"
}

lab_apt_get() {
	# shellcheck disable=SC2046
	apt-get $(_lab_apt_opts) "$@"
}

lab_apt_cache() {
	# shellcheck disable=SC2046
	apt-cache $(_lab_apt_opts) "$@"
}

# lab_apt_arch ARCH: from here on, lab_apt_* use a private apt state of
# ARCH's own ($LAB_CACHE/apt-ARCH): binary indices of ARCH only, no sources,
# no translations. For guest packages (riscv64) on a host of another arch.
lab_apt_arch() {
	LAB_APT_DIR=$LAB_CACHE/apt-$1
	mkdir -p "$LAB_APT_DIR"
	cat >"$LAB_APT_DIR/apt.conf" <<EOF2
APT::Architecture "$1";
APT::Architectures { "$1"; };
Acquire::IndexTargets::deb-src::Sources::DefaultEnabled "false";
Acquire::Languages "none";
EOF2
	export APT_CONFIG=$LAB_APT_DIR/apt.conf
}

# lab_apt_newest PKG: the newest version of PKG in the private indices.
lab_apt_newest() {
	local best="" v
	while read -r v; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done < <(lab_apt_cache show "$1" 2>/dev/null | sed -n 's/^Version: //p')
	echo "$best"
}

# lab_apt_download PKG ARCH VERSION DEB: download PKG:ARCH=VERSION to DEB
# (apt-get download checks it against the signed index).
lab_apt_download() {
	local tmp
	tmp=$(mktemp -d "$(dirname "$4")/tmp.XXXXXX")
	if ! (cd "$tmp" && lab_apt_get download "$1:$2=$3") >"$LAB_APT_DIR/download.log" 2>&1; then
		rm -rf "$tmp"
		tail_log "$LAB_APT_DIR/download.log"
		die "download of $1=$3 ($2) failed (log: $LAB_APT_DIR/download.log)" \
			"is $3 on the archive for $2? apt-cache policy $1 with APT_CONFIG=$APT_CONFIG"
	fi
	mv "$tmp"/"$1"_*.deb "$4"
	rm -rf "$tmp"
}
