#!/usr/bin/env bash
# Packs both packages (the files npm would publish) and checks each tarball with publint (strict:
# warnings fail too) and @arethetypeswrong/cli (types resolve for node10, node16 from CJS and
# from ESM, and bundlers, with no CommonJS/ESM masquerading). Run after `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for package in runtime eslint-plugin; do
  (cd "packages/$package" && pnpm pack --pack-destination "$out" >/dev/null)
done
for tarball in "$out"/*.tgz; do
  echo "== $(basename "$tarball")"
  pnpm exec publint run "$tarball" --strict
  pnpm exec attw "$tarball" --format table-flipped
done
