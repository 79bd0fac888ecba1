/**
 * The one reader of notebooks/data/h200_speed.json: the PyTorch speed figures that bench/gpu_torch.py measures
 * on a GPU. A lesson passes the imported file through readGpuSpeed and shows only what comes back, each figure
 * with a caption that says where and how it was measured (device, PyTorch, TF32, timing, the exact model), so
 * no speed figure is typed into a lesson's markdown.
 *
 *     import h200 from './notebooks/data/h200_speed.json';
 *     const speed = mp.readGpuSpeed(h200);
 *     speed.matmulTFLOPs(8192, 'bfloat16');   // 677.5
 *     speed.caption('wideMlp');               // 'Measured on an NVIDIA H200 with PyTorch 2.11.0+cu130, …'
 */
import { checkChoice, OptionError } from '../../mp/errors';
import {
  checkFile,
  SPEED_PARTS,
  type GpuPolicy,
  type GpuSpeedFile,
  type MatmulDtype,
  type SpeedPart,
  type StorageDtype,
} from './gpu_speed_file';

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];

/** 'two 4096×4096 layers and one 4096×10 layer': the Linear layers of a stack of widths, runs grouped. */
export function describeLayers(layers: readonly number[]): string {
  const shapes = layers.slice(1).map((out, i) => `${layers[i]}×${out}`);
  const runs: { shape: string; count: number }[] = [];
  for (const shape of shapes) {
    const last = runs[runs.length - 1];
    if (last?.shape === shape) last.count++;
    else runs.push({ shape, count: 1 });
  }
  const words = runs.map(({ shape, count }) => `${COUNT_WORDS[count] ?? count} ${shape} layer${count > 1 ? 's' : ''}`);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0]!;
}

/** The figures of one h200_speed.json, read through typed accessors that name what is missing. */
export class GpuSpeed {
  constructor(readonly data: GpuSpeedFile) {}

  /** The matmul sizes measured, smallest first. */
  get matmulSizes(): number[] {
    return [...new Set(this.data.matmul.rows.map((r) => r.n))].sort((a, b) => a - b);
  }

  /** TFLOP/s of an n×n by n×n product with `dtype` inputs. */
  matmulTFLOPs(n: number, dtype: MatmulDtype): number {
    return this.row('matmul', (r) => `n=${r.n} ${r.dtype}`, `n=${n} ${dtype}`).TFLOPs;
  }

  /** Time and bandwidth of the elementwise op in `dtype`. */
  elementwise(dtype: StorageDtype): { ms: number; GBps: number } {
    return this.row('elementwise', (r) => r.dtype, dtype);
  }

  /** Microseconds per product of the seed's first layer in `dtype`. */
  seedLayerUs(dtype: StorageDtype): number {
    return this.row('seedLayer', (r) => r.dtype, dtype).us;
  }

  /** Microseconds per training step of the seed's MLP under `policy`. */
  seedMlpUs(policy: GpuPolicy): number {
    return this.row('seedMlp', (r) => r.policy, policy).usPerStep;
  }

  /** One training step of the wide MLP under `policy`: its time, peak memory and the TFLOP/s its products reach. */
  wideMlp(policy: GpuPolicy): { msPerStep: number; peakMiB: number | null; TFLOPs: number } {
    const row = this.row('wideMlp', (r) => r.policy, policy);
    return { ...row, TFLOPs: this.data.wideMlp.model.flopsPerStep / (row.msPerStep / 1000) / 1e12 };
  }

  /** The timed model of `part`, in words: 'an MLP 784 → 64 → 10 (one 784×64 layer and …), batch 128, …'. */
  describeModel(part: 'seedMlp' | 'wideMlp'): string {
    const m = this.data[checkChoice('part', part, ['seedMlp', 'wideMlp'] as const)].model;
    const [scale, unit] =
      m.flopsPerStep >= 1e12 ? [1e12, 'TFLOP'] : m.flopsPerStep >= 1e9 ? [1e9, 'GFLOP'] : [1e6, 'MFLOP'];
    const flops = `${(m.flopsPerStep / scale).toPrecision(3)} ${unit}`;
    return (
      `an MLP ${m.layers.join(' → ')} (${describeLayers(m.layers)}, ReLU between them), batch ${m.batch}, ` +
      `${m.optimizer}, loss ${m.loss}, TF32 ${m.tf32 ? 'on' : 'off'}; ${flops} of matrix products per step`
    );
  }

  /** Where the figures were measured: the GPU, its driver, PyTorch, the date, and whether they were carried over. */
  source(): string {
    const d = this.data;
    const carried = d.carriedOver ? ' (carried over from the previous measurement; see the file)' : '';
    const quick = d.quick ? ' (a quick smoke run: small sizes, short timings)' : '';
    return (
      `Measured on an ${d.device.name}${d.device.driver ? ` (driver ${d.device.driver})` : ''} with PyTorch ` +
      `${d.software.torch}${d.date ? ` on ${d.date.slice(0, 10)}` : ''}${carried}${quick}`
    );
  }

  /** How `part` was measured: what ran (for a training step, the exact model) and how it was timed. */
  method(part: SpeedPart): string {
    const p = this.data[checkChoice('part', part, SPEED_PARTS)];
    const what = 'model' in p ? `one training step of ${this.describeModel(part as 'seedMlp' | 'wideMlp')}` : p.what;
    return `${what}. Timing: ${p.timing ?? this.data.timing}.`;
  }

  /** The caption under a figure or table of `part`: source() and method(). */
  caption(part: SpeedPart): string {
    return `${this.source()}: ${this.method(part)}`;
  }

  /** The row of `part` whose key is `wanted`; the error lists the keys the file has. */
  private row<P extends SpeedPart>(
    part: P,
    key: (r: GpuSpeedFile[P]['rows'][number]) => string,
    wanted: string,
  ): GpuSpeedFile[P]['rows'][number] {
    const rows: readonly GpuSpeedFile[P]['rows'][number][] = this.data[part].rows;
    const found = rows.find((r) => key(r) === wanted);
    if (!found) {
      const has = rows.map(key).join(', ');
      throw new OptionError(`h200_speed.json has no ${part} figure for ${wanted}. It has: ${has}.`, part, wanted);
    }
    return found;
  }
}

/** Checks an imported h200_speed.json and returns its reader; a malformed file throws an OptionError naming the field. */
export function readGpuSpeed(data: unknown): GpuSpeed {
  checkFile(data);
  return new GpuSpeed(data);
}
