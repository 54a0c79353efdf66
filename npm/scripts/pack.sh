#!/usr/bin/env bash
# Builds the release binary, assembles this machine's platform package and the main
# `widget-migrate` package, `npm pack`s both into npm/dist/, installs the tarballs into
# a fresh temporary npm project (offline: local tarballs only) and runs the launcher
# there: `npx widget-migrate --version`, then `--dry-run` on a copy of the sample app.
#
#   npm/scripts/pack.sh              release build (takes minutes)
#   PROFILE=debug npm/scripts/pack.sh   reuse a debug build, for a quick check
#
# Not run in CI; see "Releasing" in README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
profile="${PROFILE:-release}"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) platform=win32-x64 ;;
  *) echo "pack.sh: no platform package for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac
exe=widget-migrate
[ "$platform" = win32-x64 ] && exe=widget-migrate.exe

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)"
for manifest in "$here/widget-migrate/package.json" "$here/platforms/$platform/package.json"; do
  if ! grep -q "\"version\": \"$version\"" "$manifest"; then
    echo "pack.sh: $manifest does not carry version $version (Cargo.toml)" >&2
    exit 2
  fi
done

echo "== building the $profile binary"
if [ "$profile" = release ]; then
  (cd "$repo" && cargo build --release --locked --bin widget-migrate)
else
  (cd "$repo" && cargo build --locked --bin widget-migrate)
fi

echo "== assembling widget-migrate-$platform and widget-migrate $version"
pkg="$here/platforms/$platform"
mkdir -p "$pkg/bin"
cp "$target_dir/$profile/$exe" "$pkg/bin/$exe"
chmod +x "$pkg/bin/$exe"
cp "$repo/widget-migrate.schema.json" "$repo/README.md" "$here/widget-migrate/"

dist="$here/dist"
rm -rf "$dist"
mkdir -p "$dist"
(cd "$pkg" && npm pack --silent --pack-destination "$dist" >/dev/null)
(cd "$here/widget-migrate" && npm pack --silent --pack-destination "$dist" >/dev/null)
ls -l "$dist"

echo "== installing the tarballs into a fresh project"
project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
cd "$project"
npm init -y >/dev/null
# The other platforms' optional packages are not in the cache: npm skips them offline.
npm install --offline --no-audit --no-fund \
  "$dist/widget-migrate-$platform-$version.tgz" "$dist/widget-migrate-$version.tgz"

echo "== npx widget-migrate --version"
npx --offline widget-migrate --version

echo "== npx widget-migrate --dry-run on the sample app"
cp -R "$repo/testdata/sample-app" app
rm -rf app/node_modules
status=0
npx --offline widget-migrate --dry-run --color never app > dry-run.diff || status=$?
# 1 means "changes pending", which a dry run of the sample app must report.
if [ "$status" -ne 1 ] || ! grep -q '^+++ b/app/' dry-run.diff; then
  echo "pack.sh: the dry run through the launcher failed (exit $status)" >&2
  cat dry-run.diff >&2
  exit 1
fi
echo "dry run: $(grep -c '^+++ ' dry-run.diff) files would change"
echo "== ok: $dist"
