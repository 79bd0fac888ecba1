/**
 * The one reader of notebooks/data/gpu_checklist.json: what bench/gpu_checklist.py measured with PyTorch on a
 * GPU to explain when mixed precision does not speed training up (dimensions off a multiple of 8, batches too
 * small, steps the CPU cannot launch fast enough, casts, TF32). Every figure comes back with a caption naming
 * the device, PyTorch and how it was timed, so a lesson types none of them.
 *
 *     const gpu = mp.loadGpuChecklist();   // null until the file has been measured
 *     gpu?.step('wideMlp', 4096, 'mixed_bfloat16').msPerStep;
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkChoice, OptionError } from '../../mp/errors';

export const CHECKLIST_SETTINGS = ['float32', 'tf32', 'mixed_bfloat16'] as const;
export type ChecklistSetting = (typeof CHECKLIST_SETTINGS)[number];
export const CHECKLIST_MODELS = ['wideMlp', 'seedMlp'] as const;
export type ChecklistModel = (typeof CHECKLIST_MODELS)[number];

export interface AlignmentRow {
  readonly shape: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly TFLOPs: number;
}
export interface SweepRow {
  readonly model: ChecklistModel;
  readonly batch: number;
  readonly setting: ChecklistSetting;
  readonly msPerStep: number;
  readonly peakMiB: number | null;
}
export interface ProfileRow {
  readonly model: ChecklistModel;
  readonly batch: number;
  readonly setting: ChecklistSetting;
  readonly wallMs: number;
  readonly gpuMs: number;
  readonly kernels: number;
  readonly casts: number;
  readonly castMs: number;
}

export interface GpuChecklistFile {
  readonly schema: 1;
  readonly quick: boolean;
  readonly date: string | null;
  readonly command: string | null;
  readonly device: { readonly name: string; readonly driver: string | null };
  readonly software: { readonly torch: string; readonly cuda: string | null };
  readonly timing: string;
  readonly skipped: readonly { readonly what: string; readonly reason: string }[];
  readonly alignment: { readonly what: string; readonly rows: readonly AlignmentRow[] };
  readonly batchSweep: {
    readonly what: string;
    readonly models: Readonly<Record<ChecklistModel, { layers: number[]; optimizer: string; loss: string }>>;
    readonly rows: readonly SweepRow[];
  };
  readonly profile: { readonly what: string; readonly rows: readonly ProfileRow[] };
}

const SOURCE = 'gpu_checklist.json';

function fail(path: string, expected: string, value: unknown): never {
  throw new OptionError(`${SOURCE}: ${path} must be ${expected}. Received: ${JSON.stringify(value)}`, path, value);
}

function rowsOf(part: unknown, path: string, numbers: readonly string[]): void {
  const p = part as { what?: unknown; rows?: unknown } | undefined;
  if (typeof p?.what !== 'string') fail(`${path}.what`, 'a string', p?.what);
  if (!Array.isArray(p.rows) || p.rows.length === 0) fail(`${path}.rows`, 'a non-empty array', p.rows);
  p.rows.forEach((r: Record<string, unknown>, i: number) => {
    for (const key of numbers)
      if (!Number.isFinite(r[key])) fail(`${path}.rows[${i}].${key}`, 'a finite number', r[key]);
  });
}

/** The figures of one gpu_checklist.json, through accessors that name what is missing. */
export class GpuChecklist {
  constructor(readonly data: GpuChecklistFile) {}

  /** Where: the GPU, PyTorch and the date. */
  source(): string {
    const d = this.data;
    const quick = d.quick ? ' (a quick smoke run: small sizes, short timings)' : '';
    return (
      `Measured on an ${d.device.name}${d.device.driver ? ` (driver ${d.device.driver})` : ''} with PyTorch ` +
      `${d.software.torch}${d.date ? ` on ${d.date.slice(0, 10)}` : ''} by \`${d.command}\`${quick}`
    );
  }

  /** The caption of a part: source(), what ran and how it was timed. */
  caption(part: 'alignment' | 'batchSweep' | 'profile'): string {
    const p = this.data[checkChoice('part', part, ['alignment', 'batchSweep', 'profile'] as const)];
    return `${this.source()}: ${p.what}. Timing: ${this.data.timing}.`;
  }

  /** The alignment products, in the file's order. */
  get alignment(): readonly AlignmentRow[] {
    return this.data.alignment.rows;
  }

  /** The batch sizes swept for `model`, smallest first. */
  batches(model: ChecklistModel): number[] {
    checkChoice('model', model, CHECKLIST_MODELS);
    return [...new Set(this.data.batchSweep.rows.filter((r) => r.model === model).map((r) => r.batch))].sort(
      (a, b) => a - b,
    );
  }

  /** One training step of `model` at `batch` under `setting`. */
  step(model: ChecklistModel, batch: number, setting: ChecklistSetting): SweepRow {
    return this.find(this.data.batchSweep.rows, 'batchSweep', { model, batch, setting });
  }

  /** The profile of one step of `model` under `setting`. */
  profile(model: ChecklistModel, setting: ChecklistSetting): ProfileRow {
    return this.find(this.data.profile.rows, 'profile', { model, setting });
  }

  private find<R extends { model: string; setting: string; batch: number }>(
    rows: readonly R[],
    part: string,
    want: Partial<R>,
  ): R {
    const found = rows.find((r) => Object.entries(want).every(([k, v]) => r[k as keyof R] === v));
    if (!found) {
      const has = rows.map((r) => `${r.model} ${r.batch} ${r.setting}`).join(', ');
      throw new OptionError(`${SOURCE} has no ${part} row for ${JSON.stringify(want)}. It has: ${has}.`, part, want);
    }
    return found;
  }
}

/** Checks an imported gpu_checklist.json and returns its reader; a malformed file throws naming the field. */
export function readGpuChecklist(data: unknown): GpuChecklist {
  const d = data as Partial<GpuChecklistFile> | null;
  if (typeof d !== 'object' || d === null) fail('the file', 'an object', d);
  if (d.schema !== 1) fail('schema', '1', d.schema);
  if (typeof d.device?.name !== 'string') fail('device.name', 'a string', d.device);
  if (typeof d.software?.torch !== 'string') fail('software.torch', 'a string', d.software);
  if (typeof d.timing !== 'string') fail('timing', 'a string', d.timing);
  rowsOf(d.alignment, 'alignment', ['m', 'k', 'n', 'TFLOPs']);
  rowsOf(d.batchSweep, 'batchSweep', ['batch', 'msPerStep']);
  rowsOf(d.profile, 'profile', ['batch', 'wallMs', 'gpuMs', 'kernels', 'casts', 'castMs']);
  for (const [i, r] of [...d.batchSweep!.rows, ...d.profile!.rows].entries()) {
    checkChoice(`rows[${i}].model`, r.model, CHECKLIST_MODELS);
    checkChoice(`rows[${i}].setting`, r.setting, CHECKLIST_SETTINGS);
  }
  return new GpuChecklist(d as GpuChecklistFile);
}

/** Where bench/gpu_checklist.py writes its file, relative to the course folder. */
export const GPU_CHECKLIST_FILE = 'notebooks/data/gpu_checklist.json';

/**
 * The checklist measurements if bench/gpu_checklist.py has been run on a GPU and its file committed, else null
 * (a lesson then says what is not measured yet). `root` is the course folder; default: the working directory,
 * where the course kernel runs.
 *
 *     mp.loadGpuChecklist()?.caption('alignment');
 */
export function loadGpuChecklist(root = process.cwd()): GpuChecklist | null {
  const file = path.join(root, GPU_CHECKLIST_FILE);
  return fs.existsSync(file) ? readGpuChecklist(JSON.parse(fs.readFileSync(file, 'utf8'))) : null;
}
