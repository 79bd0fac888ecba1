/**
 * The few WebGPU and tfjs-backend-webgpu shapes the project's kernels use (no DOM lib here), and how a
 * kernel records one dispatch on the backend's own command encoder, so that the order of work is kept.
 */
import * as tf from '@tensorflow/tfjs';

export interface GpuBuffer {
  readonly size: number;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
  end(): void;
}
export interface GpuDevice {
  readonly features: { has(name: string): boolean };
  createShaderModule(d: { code: string; label?: string }): {
    getCompilationInfo(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
  };
  createComputePipeline(d: unknown): GpuPipeline;
  createBindGroup(d: unknown): unknown;
  pushErrorScope(filter: string): void;
  popErrorScope(): Promise<{ message: string } | null>;
}
export interface TensorData {
  resource: GpuBuffer | null;
  dtype: string;
  values: unknown;
}
export interface WebGpuBackendLike {
  readonly device: GpuDevice;
  commandEncoder: { beginComputePass(d: unknown): GpuPass } | null;
  computePassEncoder: GpuPass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  tensorMap: { get(id: object): TensorData };
  uploadToGPU(id: object): void;
  makeTensorInfo(shape: number[], dtype: string, values?: Float32Array): tf.TensorInfo;
  makeUniforms(u: { type: string; data: number[] }[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

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
  if (backend.dispatchCountInPass >= Number(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'))) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
