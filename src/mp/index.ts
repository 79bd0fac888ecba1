/**
 * The precision library: emulated number formats, rounding, and (in later modules) AMP and quantization.
 * Every export is listed here explicitly; nothing internal is re-exported.
 */

// Errors
export { MpError, FormatError, OptionError, BackendError } from './errors';

// Number formats
export type { FloatSpec, IntSpec, FloatFormat, IntFormat, Format, NanEncoding } from './formats/spec';
export { FORMAT_NAMES, FLOAT_FORMAT_NAMES, getFormat, type FormatLike } from './formats/registry';
export { encode, decode, decodeBits } from './formats/codec';
export { fields, type Fields, type ValueKind } from './formats/fields';
export { float32Bits, float32FromBits } from './formats/bits';

// Rounding
export {
  roundArray,
  roundValue,
  ROUNDING_MODES,
  OVERFLOW_MODES,
  type Rounding,
  type Overflow,
  type RoundOptions,
} from './formats/round';

// Tensor ops
export {
  quantize,
  GRADIENT_MODES,
  IMPLEMENTATIONS,
  type QuantizeOptions,
  type GradientMode,
  type Implementation,
} from './ops/quantize';

// Backends
export { useBackend, backendInfo, BACKEND_CHOICES, type BackendChoice, type BackendInfo } from './backend/select';
