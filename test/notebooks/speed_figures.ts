/**
 * Speed figures typed into a lesson's markdown. A measured speed belongs in a code cell that reads it (from the
 * data file or a live measurement), never in prose, where it goes stale or contradicts what the code shows.
 * Only facts nobody measures here may stand in markdown, each listed in NOT_MEASURED with its source.
 */

/** Units of a speed: throughput, bandwidth, a time per operation or per step. */
const UNIT =
  String.raw`(?:[TGPM]?FLOP/s|[TGPM]?FLOPS|[TGMK]i?B/s|ms|µs|μs|us|ns|s/(?:step|epoch)|s per (?:step|epoch)|` +
  String.raw`seconds?|minutes?|min)`;
/** A number with a unit: "51 TFLOP/s", "0.507 ms", "1.3 s per step"; not "float32 seconds" (a word's digits). */
const WITH_UNIT = new RegExp(String.raw`(?<![\w.])\d[\d,.]*\s*${UNIT}(?![A-Za-z])`, 'g');
/** A ratio near a word of speed: "16× faster", "speed-up of 1.8×"; not a shape such as "128×784". */
const SPEED_WORD = String.raw`(?:faster|slower|quicker|speed|throughput|beats?|TFLOP)`;
const RATIO = String.raw`~?\d[\d.]*\s*[×x](?!\s*\d)`;
const RATIO_NEAR_SPEED = new RegExp(
  String.raw`${RATIO}[^.;|\n]{0,60}?${SPEED_WORD}|${SPEED_WORD}[^.;|\n]{0,40}?${RATIO}`,
  'gi',
);

/** Every speed figure in `markdown`, as the text that shows it. */
export function speedFigures(markdown: string): string[] {
  return [...markdown.matchAll(WITH_UNIT), ...markdown.matchAll(RATIO_NEAR_SPEED)].map((m) => m[0]);
}

/** A figure that may stand in a lesson's markdown because nothing here measures it. */
export interface NotMeasured {
  /** The lesson file's two-digit prefix. */
  readonly lesson: string;
  /** The exact text, which contains the figure. */
  readonly text: string;
  /** Where the figure comes from. */
  readonly source: string;
}

const H200_SPECS =
  'NVIDIA H200 Tensor Core GPU product page and datasheet (https://www.nvidia.com/en-us/data-center/h200/), ' +
  'H200 SXM: FP32 67 TFLOPS; TF32 989, BF16 and FP16 1,979, FP8 3,958 TFLOPS with sparsity (dense: half); ' +
  'memory bandwidth 4.8 TB/s';

export const NOT_MEASURED: readonly NotMeasured[] = [
  {
    lesson: '05',
    text: '4.8 TB/s of HBM3e, about 67 TFLOP/s in\nfloat32 and 989 TFLOP/s dense in bfloat16',
    source: H200_SPECS,
  },
];

/** `markdown` without the NOT_MEASURED texts of `lesson`, and the texts it did not contain (stale entries). */
export function withoutNotMeasured(lesson: string, markdown: string): { rest: string; stale: string[] } {
  let rest = markdown;
  const stale: string[] = [];
  for (const fact of NOT_MEASURED.filter((f) => f.lesson === lesson)) {
    if (rest.includes(fact.text)) rest = rest.split(fact.text).join(' ');
    else stale.push(fact.text);
  }
  return { rest, stale };
}
