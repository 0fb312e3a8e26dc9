#!/usr/bin/env bash
# The Debian packages the test suite uses: PyTorch/nibabel/scipy/Pillow references (run with
# /usr/bin/python3), chromium (headless, opens the HTML report), slurm-wlm (the Slurm tests
# start a one-node cluster with scripts/slurm-test-cluster.sh) and clang + lld (a test rebuilds
# the committed WebAssembly slice kernels and compares). Idempotent; needs root (or sudo) and
# the Debian mirror.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(python3-torch python3-torchvision python3-scipy python3-nibabel python3-pil python3-numpy chromium slurm-wlm clang lld)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
