/** Base class of every error the precision library throws, so callers can catch them as one family. */
export class MpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An unknown format name, or a value a format cannot encode. */
export class FormatError extends MpError {
  constructor(
    message: string,
    readonly received?: unknown,
    readonly validNames?: readonly string[],
  ) {
    super(message);
  }
}

/** A bad argument: wrong type, or an option outside its allowed values. */
export class OptionError extends MpError {
  constructor(
    message: string,
    readonly option: string,
    readonly received: unknown,
    readonly validValues?: readonly unknown[],
  ) {
    super(message);
  }
}

/** A backend that is unknown or cannot load here. */
export class BackendError extends MpError {
  constructor(
    message: string,
    readonly backend: string,
  ) {
    super(message);
  }
}

/** Throws an OptionError unless `value` is one of `valid`. */
export function checkChoice<T>(option: string, value: unknown, valid: readonly T[]): T {
  if (!valid.includes(value as T)) {
    throw new OptionError(
      `${option} must be one of ${valid.map((v) => JSON.stringify(v)).join(', ')}. Received: ${option}=${JSON.stringify(value)}`,
      option,
      value,
      valid,
    );
  }
  return value as T;
}

/**
 * Throws an OptionError unless `options` is an object (or undefined) whose keys are all in `valid`: a misspelt
 * option is an error, never silently ignored.
 *
 *     checkOptionKeys('DelayedScaling', { histroyLength: 4 }, ['format', 'historyLength'])   // throws, naming both
 */
export function checkOptionKeys(where: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(
      `${where}'s options must be an object. Received: ${describeValue(options)}`,
      'options',
      options,
    );
  }
  const unknown = Object.keys(options).filter((key) => !valid.includes(key));
  if (unknown.length > 0) {
    throw new OptionError(
      `${where} has no option ${unknown.map((k) => JSON.stringify(k)).join(', ')}. ` +
        `Valid options: ${valid.join(', ')}.`,
      unknown[0]!,
      unknown.length === 1 ? unknown[0] : unknown,
      valid,
    );
  }
}

/** An unknown precision policy or autocast op. */
export class PolicyError extends MpError {
  constructor(
    message: string,
    readonly received: unknown,
    readonly validNames: readonly string[],
  ) {
    super(message);
  }
}

/** What a received value is, for error messages: 'null', 'Array', 'Float64Array', 'number', … */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x;
}
