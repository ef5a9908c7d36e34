#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds vmcosim (Release, Ninja). BUILD_DIR overrides the build tree (default <root>/build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/setup.sh"
# Configuring every time is cheap and picks up CMakeLists/files.f changes; verilate() runs here too.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc)"
