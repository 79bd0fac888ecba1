/**
 * How a kernel records one dispatch on tfjs-backend-webgpu's own command encoder, so that the order of work is
 * kept. The backend's shapes it uses are declared in tfjs_internals.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import { webGpuSubmitBatchSize, type GpuDevice, type GpuPipeline, type WebGpuBackendLike } from '../../tfjs_internals';

const pipelines = new WeakMap<GpuDevice, Map<string, GpuPipeline>>();

/** The compute pipeline of `code` (entry point main), compiled once per device and key. */
export function pipelineFor(device: GpuDevice, key: string, code: () => string): GpuPipeline {
  let byKey = pipelines.get(device);
  if (!byKey) pipelines.set(device, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) {
    const module = device.createShaderModule({ code: code(), label: key });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
    byKey.set(key, p);
  }
  return p;
}

/**
 * Binds `tensors` (uploaded first) to bindings 0, 1, … and `uniforms` after them, and records one dispatch
 * in the backend's current compute pass; submits when the pass holds WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE
 * dispatches, as tfjs's own programs do.
 */
export function recordDispatch(
  backend: WebGpuBackendLike,
  pipeline: GpuPipeline,
  tensors: readonly tf.TensorInfo[],
  uniforms: unknown,
  workgroups: readonly [number, number, number],
): void {
  for (const t of tensors) backend.uploadToGPU(t.dataId);
  const entries = [
    ...tensors.map((t, i) => ({ binding: i, resource: { buffer: backend.tensorMap.get(t.dataId).resource! } })),
    { binding: tensors.length, resource: uniforms },
  ];
  const group = backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder!.beginComputePass({});
  const pass = backend.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(...workgroups);
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId);
  backend.dispatchCountInPass++;
  if (backend.dispatchCountInPass >= webGpuSubmitBatchSize()) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
