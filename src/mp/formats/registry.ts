import { FormatError } from '../errors';
import { deriveFloat, deriveInt, type FloatFormat, type FloatSpec, type Format } from './spec';

const ieee = { kind: 'float', infinities: true, nan: 'ieee', signedZero: true } as const;
/** OCP "fn": finite only, NaN in the all-ones codes. */
const fn = { kind: 'float', infinities: false, nan: 'all-ones', signedZero: true } as const;
/** "fnuz": finite only, NaN in the −0 code, bias one larger than IEEE's. */
const fnuz = { kind: 'float', infinities: false, nan: 'negative-zero', signedZero: false } as const;
/** MX element formats: finite only, no NaN; overflow saturates. */
const finiteNoNan = { kind: 'float', infinities: false, nan: 'none', signedZero: true } as const;

const FLOAT_SPECS: readonly FloatSpec[] = [
  { ...ieee, name: 'float32', expBits: 8, manBits: 23 },
  // NVIDIA TensorFloat-32: float32's range with float16's precision (19 bits used of a 32-bit container).
  { ...ieee, name: 'tf32', expBits: 8, manBits: 10 },
  { ...ieee, name: 'float16', expBits: 5, manBits: 10, castKeepsNanPayload: true, decodeKeepsNanPayload: true },
  { ...ieee, name: 'bfloat16', expBits: 8, manBits: 7, decodeKeepsNanPayload: true },
  { ...fn, name: 'float8_e4m3fn', expBits: 4, manBits: 3 },
  { ...ieee, name: 'float8_e5m2', expBits: 5, manBits: 2 },
  { ...fnuz, name: 'float8_e4m3fnuz', expBits: 4, manBits: 3, bias: 8 },
  { ...fnuz, name: 'float8_e5m2fnuz', expBits: 5, manBits: 2, bias: 16 },
  { ...fnuz, name: 'float8_e4m3b11fnuz', expBits: 4, manBits: 3, bias: 11 },
  { ...ieee, name: 'float8_e4m3', expBits: 4, manBits: 3 },
  { ...ieee, name: 'float8_e3m4', expBits: 3, manBits: 4 },
  // OCP MX block scale: a bare power of two 2^(e−127), unsigned, no zero, NaN at 0xFF.
  {
    ...fn,
    name: 'float8_e8m0fnu',
    expBits: 8,
    manBits: 0,
    signed: false,
    signedZero: false,
    subnormals: false,
    tiesAway: true,
  },
  { ...finiteNoNan, name: 'float6_e2m3fn', expBits: 2, manBits: 3 },
  { ...finiteNoNan, name: 'float6_e3m2fn', expBits: 3, manBits: 2 },
  { ...finiteNoNan, name: 'float4_e2m1fn', expBits: 2, manBits: 1 },
];

const FORMATS = new Map<string, Format>([
  ...FLOAT_SPECS.map((spec) => [spec.name, deriveFloat(spec)] as const),
  ...(
    [
      { kind: 'int', name: 'int8', bits: 8, signed: true },
      { kind: 'int', name: 'uint8', bits: 8, signed: false },
      { kind: 'int', name: 'int4', bits: 4, signed: true },
      { kind: 'int', name: 'uint4', bits: 4, signed: false },
    ] as const
  ).map((spec) => [spec.name, deriveInt(spec)] as const),
]);

/** Every format name, floats first (widest to narrowest), then the integer grids. */
export const FORMAT_NAMES: readonly string[] = [...FORMATS.keys()];
/** Float format names only. */
export const FLOAT_FORMAT_NAMES: readonly string[] = FLOAT_SPECS.map((s) => s.name);

/** Anything that names a format: its name or the format itself. */
export type FormatLike = string | Format;

/**
 * Looks a format up by its ml_dtypes name.
 *
 *     getFormat('float16').maxFinite   // 65504
 */
export function getFormat(format: FormatLike): Format {
  if (typeof format === 'object' && format !== null && FORMATS.get(format.name) === format) return format;
  const found = typeof format === 'string' ? FORMATS.get(format) : undefined;
  if (!found) {
    const shown = typeof format === 'string' ? `'${format}'` : String(format);
    throw new FormatError(`Unknown format ${shown}. Valid formats: ${FORMAT_NAMES.join(', ')}.`, format, FORMAT_NAMES);
  }
  return found;
}

/** Like getFormat, for operations that only make sense on floating-point formats. */
export function getFloatFormat(format: FormatLike): FloatFormat {
  const f = getFormat(format);
  if (f.kind !== 'float') {
    throw new FormatError(
      `${f.name} is an integer grid; this operation needs a float format: ${FLOAT_FORMAT_NAMES.join(', ')}.`,
      f.name,
      FLOAT_FORMAT_NAMES,
    );
  }
  return f;
}
