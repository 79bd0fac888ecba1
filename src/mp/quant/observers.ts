/**
 * Observers, as in torch.ao.quantization.observer: they watch tensors go by (observe) and turn what they
 * saw into quantization parameters (calculateQParams). The arithmetic is float32 throughout, step for step
 * as torch does it, so the parameters are identical to torch's. `observe` reads the tensor with dataSync
 * (cpu, wasm); `observeAsync` awaits the read (every backend, WebGPU included); `observeValues` takes values
 * already on the host.
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys, OptionError } from '../errors';
import { roundHalfEven } from '../formats/round';
import { checkFloat32Tensor } from '../ops/check_tensor';
import {
  QUANT_DTYPES,
  quantRange,
  type ChannelQParams,
  type PerChannelQParams,
  type QuantDtype,
  type TensorQParams,
} from './qparams';

export const QSCHEMES = [
  'per_tensor_affine',
  'per_tensor_symmetric',
  'per_channel_affine',
  'per_channel_symmetric',
] as const;
export type QScheme = (typeof QSCHEMES)[number];

export interface ObserverOptions {
  /** Default quint8, as torch. */
  readonly dtype?: QuantDtype;
  /** Default per_tensor_affine (per_channel_affine for per-channel observers). */
  readonly qscheme?: QScheme;
  /** Halve the integer range (torch's reduce_range, for x86 kernels that would overflow int16). */
  readonly reduceRange?: boolean;
  /** A custom integer range instead of the dtype's. */
  readonly quantMin?: number;
  readonly quantMax?: number;
  /** Smallest scale: torch's default is float32's epsilon, 2^-23. */
  readonly eps?: number;
}

const OBSERVER_KEYS = ['dtype', 'qscheme', 'reduceRange', 'quantMin', 'quantMax', 'eps'];

const f32 = Math.fround;

/** Shared configuration, the reads and torch's _calculate_qparams. */
export abstract class ObserverBase {
  readonly dtype: QuantDtype;
  readonly qscheme: QScheme;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly eps: number;
  private readonly customRange: boolean;

  constructor(options: ObserverOptions, allowed: readonly QScheme[]) {
    this.dtype = checkChoice('dtype', options.dtype ?? 'quint8', QUANT_DTYPES);
    this.qscheme = checkChoice('qscheme', options.qscheme ?? allowed[0]!, allowed);
    this.customRange = options.quantMin !== undefined || options.quantMax !== undefined;
    const range = quantRange(this.dtype, options.reduceRange ?? false);
    this.quantMin = options.quantMin ?? range.quantMin;
    this.quantMax = options.quantMax ?? range.quantMax;
    if (!(this.quantMin < this.quantMax)) {
      throw new OptionError(
        `quantMin must be below quantMax. Received: ${this.quantMin}, ${this.quantMax}`,
        'quantMin',
        this.quantMin,
      );
    }
    this.eps = f32(options.eps ?? 2 ** -23);
  }

  /** Observes a float32 tensor's values, read back with dataSync (cpu, wasm; on WebGPU use observeAsync). */
  observe(x: tf.Tensor): void {
    checkFloat32Tensor(x, 'observe');
    this.observeValues(x.dataSync() as Float32Array, x.shape);
  }

  /** observe() with an awaited read: works on every backend. Keep x alive until it resolves. */
  async observeAsync(x: tf.Tensor): Promise<void> {
    checkFloat32Tensor(x, 'observe');
    this.observeValues((await x.data()) as Float32Array, x.shape);
  }

  /** Observes values on the host: a row-major tensor of `shape`. */
  abstract observeValues(v: Float32Array, shape: readonly number[]): void;

  /** torch's _calculate_qparams for one (min, max) pair. Unobserved (±inf) gives scale 1, zero point 0. */
  protected qparamsFor(minVal: number, maxVal: number): TensorQParams {
    if (minVal === Infinity && maxVal === -Infinity) return { scale: 1, zeroPoint: 0 };
    const { quantMin: qmin, quantMax: qmax } = this;
    const minNeg = Math.min(minVal, 0);
    let maxPos = Math.max(maxVal, 0);
    if (this.qscheme.endsWith('symmetric')) {
      maxPos = Math.max(-minNeg, maxPos);
      const scale = Math.max(f32(maxPos / f32((qmax - qmin) / 2)), this.eps);
      const zeroPoint = this.dtype === 'quint8' ? (this.customRange ? Math.floor((qmin + qmax) / 2) : 128) : 0;
      return { scale, zeroPoint };
    }
    const scale = Math.max(f32(f32(maxPos - minNeg) / (qmax - qmin)), this.eps);
    const zeroPoint = Math.min(Math.max(qmin - roundHalfEven(f32(minNeg / scale)), qmin), qmax);
    return { scale, zeroPoint };
  }
}

function minMax(v: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < lo) lo = v[i]!;
    if (v[i]! > hi) hi = v[i]!;
  }
  return [lo, hi];
}

/** Running min and max of everything observed. */
export class MinMaxObserver extends ObserverBase {
  minVal = Infinity;
  maxVal = -Infinity;

  constructor(options: ObserverOptions = {}) {
    super(options, ['per_tensor_affine', 'per_tensor_symmetric']);
    checkOptionKeys('MinMaxObserver', options, OBSERVER_KEYS);
  }

  /** The qparams such an observer gives once it has seen the range [minVal, maxVal]. */
  static qparamsOf(minVal: number, maxVal: number, options: ObserverOptions = {}): TensorQParams {
    const o = new MinMaxObserver(options);
    o.update(minVal, maxVal);
    return o.calculateQParams();
  }

  observeValues(v: Float32Array): void {
    if (v.length === 0) return;
    const [lo, hi] = minMax(v);
    this.update(lo, hi);
  }

  protected update(lo: number, hi: number): void {
    this.minVal = Math.min(this.minVal, lo);
    this.maxVal = Math.max(this.maxVal, hi);
  }

  calculateQParams(): TensorQParams {
    return this.qparamsFor(this.minVal, this.maxVal);
  }
}

/** Exponential moving average of each batch's min and max: min ← min + c·(batch min − min). */
export class MovingAverageMinMaxObserver extends MinMaxObserver {
  readonly averagingConstant: number;

  constructor(options: ObserverOptions & { averagingConstant?: number } = {}) {
    checkOptionKeys('MovingAverageMinMaxObserver', options, [...OBSERVER_KEYS, 'averagingConstant']);
    const { averagingConstant = 0.01, ...rest } = options;
    super(rest);
    if (!(averagingConstant > 0 && averagingConstant <= 1)) {
      throw new OptionError(
        `averagingConstant must be in (0, 1]. Received: ${averagingConstant}`,
        'averagingConstant',
        averagingConstant,
      );
    }
    this.averagingConstant = averagingConstant;
  }

  protected override update(lo: number, hi: number): void {
    if (this.minVal === Infinity && this.maxVal === -Infinity) {
      [this.minVal, this.maxVal] = [lo, hi];
      return;
    }
    const c = f32(this.averagingConstant);
    this.minVal = f32(this.minVal + f32(c * f32(lo - this.minVal)));
    this.maxVal = f32(this.maxVal + f32(c * f32(hi - this.maxVal)));
  }
}

/** Min and max per channel along chAxis (weights: one scale per output channel). */
export class PerChannelMinMaxObserver extends ObserverBase {
  readonly chAxis: number;
  minVals: number[] = [];
  maxVals: number[] = [];

  constructor(options: ObserverOptions & { chAxis?: number } = {}) {
    const { chAxis = 0, ...rest } = options;
    super(rest, ['per_channel_affine', 'per_channel_symmetric']);
    checkOptionKeys('PerChannelMinMaxObserver', options, [...OBSERVER_KEYS, 'chAxis']);
    this.chAxis = chAxis;
  }

  observeValues(v: Float32Array, shape: readonly number[]): void {
    const rank = shape.length;
    const axis = this.chAxis < 0 ? this.chAxis + rank : this.chAxis;
    if (axis < 0 || axis >= rank) {
      throw new OptionError(`chAxis ${this.chAxis} is out of range for a rank-${rank} tensor`, 'chAxis', this.chAxis);
    }
    const channels = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    if (this.minVals.length === 0) {
      this.minVals = new Array<number>(channels).fill(Infinity);
      this.maxVals = new Array<number>(channels).fill(-Infinity);
    }
    for (let i = 0; i < v.length; i++) {
      const c = Math.floor(i / inner) % channels;
      if (v[i]! < this.minVals[c]!) this.minVals[c] = v[i]!;
      if (v[i]! > this.maxVals[c]!) this.maxVals[c] = v[i]!;
    }
  }

  calculateQParams(): ChannelQParams {
    const qp = this.minVals.map((lo, c) => this.qparamsFor(lo, this.maxVals[c]!));
    return { scale: qp.map((q) => q.scale), zeroPoint: qp.map((q) => q.zeroPoint) };
  }
}

/**
 * A histogram of everything observed (2048 bins over the running range); calculateQParams searches for
 * the clipping range [min', max'] that minimises the L2 error of quantizing that histogram to 2^bits
 * levels (torch's _non_linear_param_search), so rare outliers no longer stretch the scale.
 */
export class HistogramObserver extends ObserverBase {
  readonly bins: number;
  histogram: Float64Array;
  minVal = Infinity;
  maxVal = -Infinity;
  private readonly dstBins: number;
  private readonly upsampleRate = 16;

  constructor(options: ObserverOptions & { bins?: number } = {}) {
    const { bins = 2048, ...rest } = options;
    super(rest, ['per_tensor_affine', 'per_tensor_symmetric']);
    checkOptionKeys('HistogramObserver', options, [...OBSERVER_KEYS, 'bins']);
    this.bins = bins;
    this.histogram = new Float64Array(bins);
    this.dstBins = 2 ** 8;
  }

  /** torch.histc: equal bins over [lo, hi]; values at hi go in the last bin. */
  private histc(v: Float32Array, lo: number, hi: number): Float64Array {
    const h = new Float64Array(this.bins);
    const width = hi - lo;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x < lo || x > hi || !Number.isFinite(x)) continue;
      const k = width === 0 ? 0 : Math.min(Math.floor(((x - lo) / width) * this.bins), this.bins - 1);
      h[k]! += 1;
    }
    return h;
  }

  observeValues(values: Float32Array): void {
    const v = values.filter((a) => Number.isFinite(a)); // torch ignores ±inf
    if (v.length === 0) return;
    const [lo, hi] = minMax(v);
    if (this.minVal === Infinity) {
      [this.minVal, this.maxVal] = [lo, hi];
      this.histogram = this.histc(v, lo, hi);
      return;
    }
    const [newMin, newMax] = [Math.min(this.minVal, lo), Math.max(this.maxVal, hi)];
    const update = this.histc(v, newMin, newMax);
    if (newMin !== this.minVal || newMax !== this.maxVal) {
      const old = this.rebin(newMin, newMax);
      for (let k = 0; k < this.bins; k++) update[k]! += old[k]!;
      [this.minVal, this.maxVal] = [newMin, newMax];
      this.histogram = update;
    } else {
      for (let k = 0; k < this.bins; k++) this.histogram[k]! += update[k]!;
    }
  }

  /** The current histogram mapped onto [lo, hi] (torch's _upscale_histogram: split each bin, re-bucket mid-points). */
  private rebin(lo: number, hi: number): Float64Array {
    const out = new Float64Array(this.bins);
    if (this.minVal === this.maxVal) {
      const total = this.histogram.reduce((s, c) => s + c, 0);
      const k = hi === lo ? 0 : Math.min(Math.floor(((this.minVal - lo) / (hi - lo)) * this.bins), this.bins - 1);
      out[k] = total;
      return out;
    }
    const fine = this.bins * this.upsampleRate;
    const size = (this.maxVal - this.minVal) / fine;
    for (let j = 0; j < fine; j++) {
      const mid = this.minVal + (j + 0.5) * size;
      const k = Math.min(Math.max(Math.floor(((mid - lo) / (hi - lo)) * this.bins), 0), this.bins - 1);
      out[k]! += this.histogram[Math.floor(j / this.upsampleRate)]! / this.upsampleRate;
    }
    return out;
  }

  /** L2 error of quantizing bins start..end to dstBins levels, each bin's mass spread uniformly. */
  private quantizationError(start: number, end: number): number {
    const binWidth = (this.maxVal - this.minVal) / this.bins;
    const dstWidth = (binWidth * (end - start + 1)) / this.dstBins;
    if (dstWidth === 0) return 0;
    const norm = (a: number, b: number, density: number): number => (density * (b * b * b - a * a * a)) / 3;
    let total = 0;
    for (let k = 0; k < this.bins; k++) {
      const density = this.histogram[k]! / binWidth;
      if (density === 0) continue;
      const begin = (k - start) * binWidth;
      const endPos = begin + binWidth;
      const dBegin = Math.min(Math.max(Math.floor(begin / dstWidth), 0), this.dstBins - 1);
      const dEnd = Math.min(Math.max(Math.floor(endPos / dstWidth), 0), this.dstBins - 1);
      total += norm(begin - (dBegin + 0.5) * dstWidth, dstWidth / 2, density);
      total += (dEnd - dBegin - 1) * norm(-dstWidth / 2, dstWidth / 2, density);
      total += norm(-dstWidth / 2, endPos - (dEnd * dstWidth + dstWidth / 2), density);
    }
    return total;
  }

  /** torch's _non_linear_param_search: shrink the range from whichever side holds less mass while the error falls. */
  clippingRange(): [number, number] {
    const cumulative = new Float64Array(this.bins);
    this.histogram.reduce((s, c, k) => (cumulative[k] = s + c), 0);
    const total = cumulative[this.bins - 1]!;
    const step = 1e-5;
    let [alpha, beta, start, end, best] = [0, 1, 0, this.bins - 1, Infinity];
    while (alpha < beta) {
      const [nextAlpha, nextBeta] = [alpha + step, beta - step];
      let l = start;
      let r = end;
      while (l < end && cumulative[l]! < nextAlpha * total) l++;
      while (r > start && cumulative[r]! > nextBeta * total) r--;
      let [nextStart, nextEnd] = [start, end];
      if (l - start > end - r) [nextStart, alpha] = [l, nextAlpha];
      else [nextEnd, beta] = [r, nextBeta];
      if (nextStart === start && nextEnd === end) continue;
      const error = this.quantizationError(nextStart, nextEnd);
      if (error > best) break;
      [best, start, end] = [error, nextStart, nextEnd];
    }
    const binWidth = (this.maxVal - this.minVal) / this.bins;
    return [this.minVal + binWidth * start, this.minVal + binWidth * (end + 1)];
  }

  calculateQParams(): TensorQParams {
    if (this.minVal === Infinity) return { scale: 1, zeroPoint: 0 };
    const [lo, hi] = this.clippingRange();
    return this.qparamsFor(f32(lo), f32(hi));
  }
}

/**
 * torch's default weight quantization for a dense kernel [inputs, outputs]: qint8, symmetric, one scale per
 * output channel (axis 1), from a PerChannelMinMaxObserver. The one weight configuration of QAT and PTQ.
 * Reads the kernel with an awaited read (every backend).
 *
 *     (await weightQParams(kernel)).scale   // one scale per output channel
 */
export async function weightQParams(kernel: tf.Tensor2D): Promise<PerChannelQParams> {
  checkFloat32Tensor(kernel, 'observe');
  return weightQParamsOf((await kernel.data()) as Float32Array, kernel.shape);
}

/** weightQParams of a kernel's values on the host (row-major, of `shape`). */
export function weightQParamsOf(values: Float32Array, shape: readonly number[]): PerChannelQParams {
  const observer = new PerChannelMinMaxObserver({ dtype: 'qint8', qscheme: 'per_channel_symmetric', chAxis: 1 });
  observer.observeValues(values, shape);
  return { ...observer.calculateQParams(), axis: 1, quantMin: observer.quantMin, quantMax: observer.quantMax };
}
