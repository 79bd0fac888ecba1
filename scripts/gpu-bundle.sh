#!/usr/bin/env bash
# Packs what scripts/gpu-check.ts needs on a GPU host that has no Node.js and no network (the course's H200):
# a Node binary, the webgpu package (Dawn for Node), Debian's Vulkan loader, and the check bundled by esbuild.
# Output: .gpu/ (git-ignored, about 34 MB). On the host, run the commands in docs/gpu.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64"
npm install --no-save @tensorflow/tfjs-backend-webgpu@4.22.0 >/dev/null
# tfjs-backend-webgpu registers itself when it loads; --ignore-annotations keeps that side effect in the bundle
node_modules/.bin/esbuild scripts/gpu-check.ts --bundle --platform=node --external:webgpu --ignore-annotations \
  --outfile="$out/check.js" --log-level=error
tmp=$(mktemp -d)
(cd "$tmp" && npm pack webgpu@0.6.2 >/dev/null && tar xzf webgpu-0.6.2.tgz && apt-get download libvulkan1 >/dev/null 2>&1)
cp "$tmp/package/index.js" "$tmp/package/package.json" "$out/node_modules/webgpu/"
xz -T2 -c "$tmp/package/dist/linux-x64/dawn.node" > "$out/dawn.node.xz"
xz -T2 -c "$(command -v node)" > "$out/node.xz"
dpkg-deb -x "$tmp"/libvulkan1_*.deb "$out/vulkan"
rm -rf "$tmp"
du -sh "$out"
