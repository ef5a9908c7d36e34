#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages vmcosim needs. Idempotent: does nothing (and no network) when all are present.
set -euo pipefail

pkgs=(verilator libsystemc-dev libgtest-dev cmake ninja-build g++ gcc make yosys valgrind gtkwave xvfb
      ghostscript zlib1g-dev pkg-config clang libclang-rt-14-dev gcc-riscv64-unknown-elf
      picolibc-riscv64-unknown-elf)

missing=()
for p in "${pkgs[@]}"; do
  # dpkg-query fails for never-installed packages; "install ok installed" is the only good status.
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#pkgs[@]} packages present"
  exit 0
fi

if ((EUID == 0)); then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: missing packages (${missing[*]}) and not root, no sudo: install them as root" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
# A fresh machine has no package lists, so update before installing.
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
