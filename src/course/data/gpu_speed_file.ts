/**
 * The schema of notebooks/data/h200_speed.json, as bench/gpu_torch.py writes it (schema 1), and its check.
 * gpu_speed.ts reads it.
 */
import { OptionError } from '../../mp/errors';

export const MATMUL_DTYPES = ['float32', 'tf32', 'float16', 'bfloat16', 'float8_e4m3fn'] as const;
export type MatmulDtype = (typeof MATMUL_DTYPES)[number];
/** The dtypes of the elementwise and seed-layer measurements. */
export const STORAGE_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
export type StorageDtype = (typeof STORAGE_DTYPES)[number];
/** The policies the training steps were timed under: torch.autocast to bfloat16 or float16 (with GradScaler). */
export const GPU_POLICIES = ['float32', 'mixed_bfloat16', 'mixed_float16'] as const;
export type GpuPolicy = (typeof GPU_POLICIES)[number];
export const SPEED_PARTS = ['matmul', 'elementwise', 'seedLayer', 'seedMlp', 'wideMlp'] as const;
export type SpeedPart = (typeof SPEED_PARTS)[number];

/** A model whose training step was timed, exactly as bench/gpu_torch.py built it. */
export interface TimedModel {
  /** Widths from input to output: [784, 64, 10] is two Linear layers, 784×64 and 64×10. */
  readonly layers: readonly number[];
  readonly batch: number;
  readonly optimizer: string;
  readonly loss: string;
  readonly lossScaling: string;
  readonly tf32: boolean;
  /** The matrix products of one step: forward, weight gradients, input gradients of all layers but the first. */
  readonly flopsPerStep: number;
  readonly data: string;
  readonly note?: string;
}

export interface GpuSpeedFile {
  readonly schema: 1;
  /** Where the figures came from when bench/gpu_torch.py did not measure them; null for its own output. */
  readonly carriedOver: string | null;
  readonly quick: boolean;
  readonly date: string | null;
  readonly device: { readonly name: string; readonly driver: string | null };
  readonly software: { readonly torch: string; readonly cuda: string | null };
  readonly timing: string;
  readonly matmul: GpuSpeedPart<{ n: number; dtype: MatmulDtype; tf32: boolean; TFLOPs: number }>;
  readonly elementwise: GpuSpeedPart<{ dtype: StorageDtype; ms: number; GBps: number }> & { readonly values: number };
  readonly seedLayer: GpuSpeedPart<{ dtype: StorageDtype; us: number }>;
  readonly seedMlp: GpuModelPart<{ policy: GpuPolicy; usPerStep: number }>;
  readonly wideMlp: GpuModelPart<{ policy: GpuPolicy; msPerStep: number; peakMiB: number | null }>;
}
export interface GpuSpeedPart<Row> {
  readonly what: string;
  /** How this part was timed, where it differs from the file's `timing`. */
  readonly timing?: string;
  readonly rows: readonly Readonly<Row>[];
}
export interface GpuModelPart<Row> {
  readonly model: TimedModel;
  readonly timing?: string;
  readonly rows: readonly Readonly<Row>[];
}

const SOURCE = 'h200_speed.json';

/** Checks one value of the file; the error names its path, what it must be and what it is. */
function demand(path: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) {
    throw new OptionError(`${SOURCE}: ${path} must be ${expected}. Received: ${JSON.stringify(value)}`, path, value);
  }
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const orNull = (ok: (v: unknown) => boolean) => (v: unknown) => v === null || ok(v);
const isString = (v: unknown) => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Check = readonly [(v: unknown) => boolean, string];
const NUMBER: Check = [isNumber, 'a finite number'];
const STRING: Check = [isString, 'a string'];
const choice = (valid: readonly string[]): Check => [(v) => valid.includes(v as string), `one of ${valid.join(', ')}`];

function fields(path: string, o: unknown, shape: Record<string, Check>): void {
  demand(path, o, isObject(o), 'an object');
  for (const [key, [ok, expected]] of Object.entries(shape)) {
    demand(`${path}.${key}`, (o as Record<string, unknown>)[key], ok((o as Record<string, unknown>)[key]), expected);
  }
}

function rows(path: string, part: unknown, shape: Record<string, Check>): void {
  const list = (part as Record<string, unknown>)['rows'];
  demand(`${path}.rows`, list, Array.isArray(list) && list.length > 0, 'a non-empty list');
  (list as unknown[]).forEach((row, i) => fields(`${path}.rows[${i}]`, row, shape));
}

/** Checks an imported file against the schema above; the error names the first field that is off. */
export function checkFile(d: unknown): asserts d is GpuSpeedFile {
  fields('(file)', d, {
    schema: [(v) => v === 1, '1'],
    carriedOver: [orNull(isString), 'a string or null'],
    quick: [(v) => typeof v === 'boolean', 'true or false'],
    date: [orNull(isString), 'a date or null'],
    device: [isObject, 'an object'],
    software: [isObject, 'an object'],
    timing: STRING,
  });
  const f = d as unknown as Record<string, Record<string, unknown>>;
  fields('device', f['device'], { name: STRING, driver: [orNull(isString), 'a string or null'] });
  fields('software', f['software'], { torch: STRING, cuda: [orNull(isString), 'a string or null'] });
  for (const part of ['matmul', 'elementwise', 'seedLayer'] as const) fields(part, f[part], { what: STRING });
  rows('matmul', f['matmul'], {
    n: NUMBER,
    dtype: choice(MATMUL_DTYPES),
    tf32: [(v) => typeof v === 'boolean', 'a boolean'],
    TFLOPs: NUMBER,
  });
  fields('elementwise', f['elementwise'], { values: NUMBER });
  rows('elementwise', f['elementwise'], { dtype: choice(STORAGE_DTYPES), ms: NUMBER, GBps: NUMBER });
  rows('seedLayer', f['seedLayer'], { dtype: choice(STORAGE_DTYPES), us: NUMBER });
  for (const part of ['seedMlp', 'wideMlp'] as const) {
    fields(part, f[part], { model: [isObject, 'an object'] });
    fields(`${part}.model`, f[part]!['model'], {
      layers: [(v) => Array.isArray(v) && v.length >= 2 && v.every(isNumber), 'a list of at least two widths'],
      batch: NUMBER,
      optimizer: STRING,
      loss: STRING,
      lossScaling: STRING,
      tf32: [(v) => typeof v === 'boolean', 'a boolean'],
      flopsPerStep: NUMBER,
      data: STRING,
    });
  }
  rows('seedMlp', f['seedMlp'], { policy: choice(GPU_POLICIES), usPerStep: NUMBER });
  rows('wideMlp', f['wideMlp'], {
    policy: choice(GPU_POLICIES),
    msPerStep: NUMBER,
    peakMiB: [orNull(isNumber), 'a number or null'],
  });
}
