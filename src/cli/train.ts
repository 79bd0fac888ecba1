/**
 * npm run train -- --policy mixed_bfloat16      (or --policy all, or several: --policy float32,mixed_float16)
 *
 * Trains the seed's MLP on real MNIST under each policy with a live progress bar, then prints a table of
 * test accuracy, time, and the loss scaler's skipped steps.
 */
import { parseArgs } from 'util';
import { MultiBar, Presets } from 'cli-progress';
import {
  BACKEND_CHOICES,
  defaultWasmThreads,
  MpError,
  POLICY_NAMES,
  policy,
  MNIST_MLP,
  trainMnist,
  useBackend,
  type BackendChoice,
  type TrainOptions,
  type TrainResult,
} from '../course/index';
import { MAX_WASM_THREADS } from '../mp/backend/wasm_threads';

const USAGE = `Usage: npm run train -- [options]
  --policy NAMES         comma-separated, or 'all' (default float32). Valid: ${POLICY_NAMES.join(', ')}
  --epochs N             default ${MNIST_MLP.epochs}
  --batch-size N         default ${MNIST_MLP.batchSize}
  --lr X                 Adam learning rate, default ${MNIST_MLP.learningRate}
  --loss-scale S         dynamic | none | a number (default: dynamic where the policy needs it)
  --loss-multiplier X    multiply the loss (and every gradient) by X, e.g. 2^-16 = 0.0000152587890625
  --limit N              use the first N training images
  --seed N               default 0
  --backend B            ${BACKEND_CHOICES.join(' | ')} (default auto)
  --threads N            wasm's threads, 1 to ${MAX_WASM_THREADS} (default: MP_WASM_THREADS, else ${defaultWasmThreads()} here)`;

function parse(): { policies: string[]; backend: BackendChoice; threads?: number; options: TrainOptions } {
  const { values } = parseArgs({
    options: {
      policy: { type: 'string', default: 'float32' },
      epochs: { type: 'string', default: String(MNIST_MLP.epochs) },
      'batch-size': { type: 'string', default: String(MNIST_MLP.batchSize) },
      lr: { type: 'string', default: String(MNIST_MLP.learningRate) },
      'loss-scale': { type: 'string' },
      'loss-multiplier': { type: 'string', default: '1' },
      limit: { type: 'string' },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string | undefined): number => {
    const n = Number(text);
    if (text === undefined || text.trim() === '' || !Number.isFinite(n))
      throw new MpError(`--${name} must be a number. Received: ${text}`);
    return n;
  };
  const policies = values.policy === 'all' ? [...POLICY_NAMES] : values.policy!.split(',').map((s) => s.trim());
  policies.forEach((p) => policy(p)); // fail early, listing the valid names
  const scale = values['loss-scale'];
  return {
    policies,
    backend: values.backend as BackendChoice,
    ...(values.threads === undefined ? {} : { threads: number('threads', values.threads) }),
    options: {
      epochs: number('epochs', values.epochs),
      batchSize: number('batch-size', values['batch-size']),
      learningRate: number('lr', values.lr),
      lossMultiplier: number('loss-multiplier', values['loss-multiplier']),
      seed: number('seed', values.seed),
      ...(values.limit === undefined ? {} : { trainLimit: number('limit', values.limit) }),
      ...(scale === undefined
        ? {}
        : { lossScale: scale === 'dynamic' || scale === 'none' ? scale : number('loss-scale', scale) }),
    },
  };
}

function table(results: TrainResult[]): string {
  const base = results.find((r) => r.policy === 'float32');
  const rows = results.map((r) => [
    r.policy,
    (100 * r.testAccuracy).toFixed(2) + '%',
    base
      ? `${r.testAccuracy >= base.testAccuracy ? '+' : ''}${(100 * (r.testAccuracy - base.testAccuracy)).toFixed(2)}`
      : '',
    r.seconds.toFixed(1) + ' s',
    r.scaler.enabled ? String(r.scaler.skipped) : '-',
    r.scaler.enabled ? String(r.scaler.finalScale) : '-',
  ]);
  const header = ['policy', 'test accuracy', 'vs float32 (points)', 'train time', 'skipped steps', 'final loss scale'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { policies, backend, threads, options } = parse();
  const info = await useBackend(backend, threads === undefined ? {} : { threads });
  console.log(info.summary);
  const bars = new MultiBar(
    {
      format:
        '{policy} |{bar}| epoch {epoch}/{epochs} batch {value}/{total} loss {loss} scale {scale} skipped {skipped}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const results: TrainResult[] = [];
  for (const name of policies) {
    const fields = { policy: name.padEnd(14), epoch: 1, epochs: options.epochs, loss: '-', scale: '-', skipped: 0 };
    const bar = bars.create(1, 0, fields);
    const result = await trainMnist({
      ...options,
      policy: name,
      onProgress: (p) => {
        bar.setTotal(p.batches);
        bar.update(p.batch, {
          ...fields,
          epoch: p.epoch + 1,
          loss: p.loss.toFixed(4),
          scale: p.scale,
          skipped: p.skipped,
        });
      },
    });
    results.push(result);
  }
  bars.stop();
  console.log(
    `\nThe seed's MLP (${MNIST_MLP.inputs}-${MNIST_MLP.hidden}-${MNIST_MLP.classes}, Adam, batch ${options.batchSize}, ${options.epochs} epochs) on MNIST's 10 000 test images:\n`,
  );
  console.log(table(results));
}

main().catch((e: unknown) => {
  console.error(e instanceof MpError ? `${e.name}: ${e.message}\n\n${USAGE}` : e);
  process.exit(e instanceof MpError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1);
});
