# Sourced by scripts/firmware.sh and scripts/template.sh:
#   install_missing PACKAGE... : installs the Debian packages that are not
#   installed yet (as root, or with sudo), waiting for another apt to finish.

install_missing() {
    local missing=() p SUDO=
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    [ "$(id -u)" = 0 ] || SUDO=sudo
    # Another apt may be running: wait for it instead of failing on the lock.
    for _ in $(seq 300); do pgrep -x 'apt|apt-get|dpkg' >/dev/null || break; sleep 2; done
    echo "installing: ${missing[*]}"
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
        install -y -qq --no-install-recommends "${missing[@]}"
}
