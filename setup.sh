#!/usr/bin/env bash
# Sets this checkout up on a fresh machine; the README's two commands both start with it. It checks
# Node against package.json's engines, installs the system packages the demo and the tests need
# (only those missing), runs npm ci (which builds dist/) unless node_modules already matches
# package-lock.json, and tries once to fetch Electron's binary. Safe to run again: on a ready
# machine it changes nothing and takes seconds.
#
#   ./setup.sh             set up
#   ./setup.sh --dry-run   print what it would do; install and run nothing
#
# Written for bash 3.2 too (macOS's /bin/bash): no associative arrays, no empty arrays under set -u.
set -euo pipefail
cd "$(dirname "$0")"

SETUP_COMMAND=./setup.sh
REQUIREMENTS='memcached ssh-client ssh-server chromium'
ELECTRON_TIMEOUT_SECONDS=90
# Written into node_modules, so npm ci (which starts from an empty node_modules) forgets them.
INSTALL_STAMP=node_modules/.astaire-setup-stamp
ELECTRON_TRIED_STAMP=node_modules/.astaire-electron-unavailable

is_dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) is_dry_run=true ;;
    -h | --help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup: unknown option $arg (it takes --dry-run or --help)" >&2
      exit 2
      ;;
  esac
done

# What the unit test fakes (test/unit/setup.test.ts): the platform, the commands on this machine,
# the user id and Node's version. Only a dry run reads them, so a real run sees the real machine.
if $is_dry_run; then
  fake_os=${ASTAIRE_SETUP_TEST_OS-}
  fake_uid=${ASTAIRE_SETUP_TEST_UID-}
  fake_node_version=${ASTAIRE_SETUP_TEST_NODE_VERSION-}
  [ -z "${ASTAIRE_SETUP_TEST_COMMANDS+set}" ] || fake_commands=" $ASTAIRE_SETUP_TEST_COMMANDS "
fi

say() { echo "setup: $*"; }
fail() {
  echo "setup: $*" >&2
  exit 1
}

# A requirement counts as present when the commands the demo and the test suites run are found,
# however they were installed (a package, Homebrew, a build from source). That is the one check
# that means the same with apt-get, dnf and Homebrew, unlike asking one package database.
has_command() {
  if [ -n "${fake_commands+set}" ]; then
    case "$fake_commands" in *" $1 "*) return 0 ;; *) return 1 ;; esac
  fi
  # sshd is in an sbin directory, which is not on a normal user's PATH on Debian.
  PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin" command -v "$1" >/dev/null 2>&1
}

describe_requirement() {
  case "$1" in
    memcached) echo 'memcached (the memcached command)' ;;
    ssh-client) echo 'the OpenSSH client (ssh, ssh-keygen, ssh-agent, ssh-add)' ;;
    ssh-server) echo 'the OpenSSH server (sshd)' ;;
    chromium) echo 'Chromium (the chromium command), for the browser tests' ;;
  esac
}

is_present() {
  case "$1" in
    memcached) has_command memcached ;;
    ssh-client) has_command ssh && has_command ssh-keygen && has_command ssh-agent && has_command ssh-add ;;
    ssh-server) has_command sshd ;;
    # Debian's name, then Ubuntu's and Fedora's.
    chromium) has_command chromium || has_command chromium-browser ;;
  esac
}

# The package that provides a requirement on a platform.
package_for() {
  case "$1/$2" in
    memcached/*) echo memcached ;;
    ssh-client/fedora) echo openssh-clients ;;
    ssh-client/macos | ssh-server/macos) echo openssh ;;
    ssh-client/*) echo openssh-client ;;
    ssh-server/*) echo openssh-server ;;
    # Ubuntu has no chromium package; chromium-browser installs its snap.
    chromium/ubuntu) echo chromium-browser ;;
    chromium/*) echo chromium ;;
  esac
}

# debian, ubuntu, fedora, macos, or the name of a platform this script cannot install on.
detect_os() {
  if [ -n "${fake_os-}" ]; then
    echo "$fake_os"
    return
  fi
  case "$(uname -s)" in
    Darwin) echo macos ;;
    Linux)
      local ids
      ids=$( (. /etc/os-release 2>/dev/null && echo "${ID-} ${ID_LIKE-}") || true)
      case " $ids " in
        " fedora "*) echo fedora ;;
        *" ubuntu "*) echo ubuntu ;;
        *" debian "*) echo debian ;;
        *) echo "${ids%% *}" | sed 's/^$/linux/' ;;
      esac
      ;;
    *) uname -s | tr '[:upper:]' '[:lower:]' ;;
  esac
}

current_uid() { echo "${fake_uid:-$(id -u)}"; }

# True when version $1 (1.2.3) is at least $2 (1.2 or 1.2.3), field by field.
version_at_least() {
  local have_major have_minor have_patch need_major need_minor need_patch pair
  IFS=. read -r have_major have_minor have_patch <<<"$1"
  IFS=. read -r need_major need_minor need_patch <<<"$2"
  for pair in "${have_major:-0}:${need_major:-0}" "${have_minor:-0}:${need_minor:-0}" \
    "${have_patch:-0}:${need_patch:-0}"; do
    [ "${pair%%:*}" -gt "${pair##*:}" ] && return 0
    [ "${pair%%:*}" -lt "${pair##*:}" ] && return 1
  done
  return 0
}

check_node() {
  local needed version
  needed=$(sed -n 's/.*"node": *">= *\([0-9][0-9.]*\)".*/\1/p' package.json | head -n 1)
  [ -n "$needed" ] || fail 'package.json has no "engines": {"node": ">=X.Y"} to check Node against'
  if ! has_command node || ! has_command npm; then
    fail "Node.js $needed or newer, with npm, is needed and was not found: install it" \
      "(https://nodejs.org/en/download, or nvm install 22), then run $SETUP_COMMAND again."
  fi
  version=${fake_node_version:-$(node -p process.versions.node)}
  if ! version_at_least "$version" "$needed"; then
    fail "Node $version is too old: this project needs Node >= $needed (package.json engines)." \
      "Install a newer Node (https://nodejs.org/en/download, or nvm install 22)," \
      "then run $SETUP_COMMAND again."
  fi
  say "Node $version (needs >= $needed): ok"
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(current_uid)" = 0 ]; then
    run "$@"
  else
    run sudo "$@"
  fi
}

run() {
  if $is_dry_run; then
    say "would run: $*"
  else
    say "running: $*"
    "$@"
  fi
}

# shellcheck disable=SC2086 # package lists and apt options are meant to split into words
install_packages() {
  local os=$1 packages=$2 manager
  case "$os" in
    debian | ubuntu) manager=apt-get ;;
    fedora) manager=dnf ;;
    macos) manager=brew ;;
  esac
  has_command "$manager" || fail "$manager is not installed, and this script installs $packages" \
    "with it: install $manager (macOS: https://brew.sh), or install $packages yourself," \
    "then run $SETUP_COMMAND again."
  if [ "$os" != macos ] && [ "$(current_uid)" != 0 ]; then
    has_command sudo || fail "installing $packages needs root and sudo is not installed: run" \
      "$SETUP_COMMAND as root, or install $packages yourself, then run it again."
    say "not running as root: installing through sudo, which may ask for your password"
  fi
  say "installing with $manager: $packages"
  case "$os" in
    debian | ubuntu)
      # Another apt-get may hold dpkg's lock (unattended upgrades, a concurrent job): wait for it.
      local apt_options='-o DPkg::Lock::Timeout=300 -q'
      as_root apt-get $apt_options update
      as_root env DEBIAN_FRONTEND=noninteractive apt-get $apt_options install -y \
        --no-install-recommends $packages
      ;;
    fedora) as_root dnf install -y $packages ;;
    macos)
      # Homebrew runs as the user, never through sudo; Chromium is an application (a cask).
      local formulas
      formulas=$(echo " $packages " | sed 's/ chromium / /' | xargs)
      [ -z "$formulas" ] || run brew install $formulas
      case " $packages " in *" chromium "*) run brew install --cask chromium ;; esac
      ;;
  esac
}

install_system_packages() {
  local os missing='' packages='' requirement package
  os=$(detect_os)
  for requirement in $REQUIREMENTS; do
    if is_present "$requirement"; then
      say "found $(describe_requirement "$requirement")"
    else
      say "missing $(describe_requirement "$requirement")"
      missing="$missing $requirement"
    fi
  done
  if [ -z "$missing" ]; then
    say "system packages: nothing to install"
    return
  fi
  case "$os" in
    debian | ubuntu | fedora | macos) ;;
    *)
      {
        echo "setup: this platform ($os) is not one this script installs on (Debian and Ubuntu"
        echo "with apt-get, Fedora with dnf, macOS with Homebrew). Install these yourself, then run"
        echo "$SETUP_COMMAND again:"
        for requirement in $missing; do echo "  - $(describe_requirement "$requirement")"; done
      } >&2
      exit 1
      ;;
  esac
  for requirement in $missing; do
    package=$(package_for "$requirement" "$os")
    case " $packages " in *" $package "*) ;; *) packages="$packages $package" ;; esac
  done
  install_packages "$os" "${packages# }"
  $is_dry_run && return
  for requirement in $missing; do
    is_present "$requirement" || fail "installed ${packages# }, yet $(describe_requirement \
      "$requirement") is still not found: install it yourself, then run $SETUP_COMMAND again."
  done
}

# What npm ci installs depends on package-lock.json and, for native modules, on Node's ABI.
install_fingerprint() {
  node -e '
    const { createHash } = require("node:crypto");
    const lock = require("node:fs").readFileSync("package-lock.json");
    console.log(createHash("sha256").update(lock).digest("hex"), "abi", process.versions.modules);
  '
}

install_node_modules() {
  local fingerprint
  fingerprint=$(install_fingerprint)
  if [ -f "$INSTALL_STAMP" ] && [ "$(cat "$INSTALL_STAMP")" = "$fingerprint" ]; then
    say "node_modules matches package-lock.json: npm ci not needed"
    # npm ci builds dist/ (the prepare script); a build deleted since is made again.
    if [ ! -f dist/core/cli/main.js ] || [ ! -f dist/electron/launch.js ]; then
      run npm run build
    fi
    return
  fi
  say "installing the locked dependencies with npm ci, which also builds dist/ (about a minute)"
  $is_dry_run || rm -f "$INSTALL_STAMP" "$ELECTRON_TRIED_STAMP"
  run npm ci
  $is_dry_run || echo "$fingerprint" >"$INSTALL_STAMP"
}

# Electron's package does not fetch its binary when installed: this tries once, bounded, and
# never fails the set-up, since the console opens in web mode without it.
fetch_electron() {
  local web_mode='the console will open in web mode instead (npm run electron:install fetches it later)'
  if [ ! -f dist/electron/electron-binary.js ]; then
    # Only in a dry run before the first npm ci: a real run has just built dist/.
    say "would try once to fetch Electron's binary (up to $ELECTRON_TIMEOUT_SECONDS s)"
  elif node --input-type=module -e '
    const { findElectronBinary } = await import("./dist/electron/electron-binary.js");
    process.exit(findElectronBinary().isInstalled ? 0 : 1);
  '; then
    say "Electron's binary is installed: npm run demo and npm start open the desktop window"
  elif [ -f "$ELECTRON_TRIED_STAMP" ]; then
    say "Electron's binary could not be fetched at the last try: $web_mode"
  elif [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY-}" ] && [ -z "${WAYLAND_DISPLAY-}" ]; then
    # Without a display Electron cannot open a window, and the test suite would try to launch it.
    say "no display here (DISPLAY is unset), so Electron's binary is not fetched: $web_mode"
  elif $is_dry_run; then
    say "would try once to fetch Electron's binary (up to $ELECTRON_TIMEOUT_SECONDS s)"
  else
    say "fetching Electron's binary (once, up to $ELECTRON_TIMEOUT_SECONDS s)"
    local failure
    if failure=$(node -e '
      const { spawnSync } = require("node:child_process");
      const run = spawnSync(process.execPath, ["node_modules/electron/install.js"], {
        timeout: Number(process.argv[1]) * 1000,
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
      });
      if (run.status === 0) process.exit(0);
      const firstLine = (run.stderr ?? "").split("\n").find((line) => line.trim() !== "");
      console.log(run.error?.code === "ETIMEDOUT" ? "timed out" : (firstLine ?? "no message").trim());
      process.exit(1);
    ' "$ELECTRON_TIMEOUT_SECONDS"); then
      say "Electron's binary is installed: npm run demo and npm start open the desktop window"
    else
      touch "$ELECTRON_TRIED_STAMP"
      say "could not fetch Electron's binary ($failure): $web_mode"
    fi
  fi
}

$is_dry_run && say "dry run: nothing is installed or run"
check_node
install_system_packages
install_node_modules
fetch_electron
if $is_dry_run; then
  say "dry run done: nothing was changed"
else
  say "ready: npm run demo starts the console on a demo cluster, npm test runs the tests"
fi
