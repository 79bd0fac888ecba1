/**
 * In the grading child: notices a submission file that changes JavaScript's built-ins or the library while
 * it loads (replacing Math, patching Array.prototype.map, overriding a library class's method). Each file
 * runs in its own process, so such a change could only hurt that file; reporting it as the file's load
 * failure says plainly what happened, and keeps the child's own bookkeeping (JSON, tensor counts) honest.
 * Built-ins may gain properties (a polyfill), not lose or change them; library objects may not change at all.
 * The check runs after untrusted code, so it uses only functions it captured before.
 */

const { ownKeys } = Reflect;
const { getOwnPropertyDescriptor, getPrototypeOf, is, create } = Object;
const text = String;

const BUILTINS = (
  'Object Function Array Number String Boolean Symbol BigInt Math JSON Reflect Proxy Promise Map Set WeakMap ' +
  'WeakSet Error RangeError TypeError Date RegExp ArrayBuffer DataView Float32Array Float64Array Int8Array ' +
  'Int16Array Int32Array Uint8Array Uint8ClampedArray Uint16Array Uint32Array parseInt parseFloat isNaN isFinite'
).split(' ');

/** Each property's value or getter, by a label like 'the built-in `Math.floor`'. */
type Snapshot = Record<string, unknown>;

interface Watched {
  readonly name: string;
  readonly target: object;
  /** Library objects: a property added counts as a change too. */
  readonly strict: boolean;
  /** Only these properties (of the global object). */
  readonly keys?: readonly string[];
}

function record(into: Snapshot, w: Watched): void {
  const keys = w.keys ?? ownKeys(w.target);
  let all = '';
  for (let i = 0; i < keys.length; i++) {
    const key = text(keys[i]);
    const d = getOwnPropertyDescriptor(w.target, keys[i]!);
    const name = w.keys ? key : `${w.name}.${key}`;
    into[`${w.strict ? "the library's" : 'the built-in'} \`${name}\``] = d?.get ?? d?.value;
    all += `${key},`;
  }
  if (w.strict) into[`the library's \`${w.name}\``] = all;
}

export class TamperWatch {
  private readonly watched: Watched[] = [];
  private readonly before: Snapshot = create(null) as Snapshot;
  private readonly seen = new WeakSet<object>();

  constructor() {
    const g = globalThis as Record<string, unknown>;
    this.watch({ name: 'globalThis', target: g, strict: false, keys: BUILTINS });
    for (const b of BUILTINS) {
      const value = g[b];
      if ((typeof value !== 'object' && typeof value !== 'function') || !value) continue;
      this.watch({ name: b, target: value, strict: false });
      const proto = (value as { prototype?: unknown }).prototype;
      if (typeof proto === 'object' && proto) this.watch({ name: `${b}.prototype`, target: proto, strict: false });
    }
    this.watch({
      name: 'TypedArray.prototype',
      target: getPrototypeOf(Float32Array.prototype) as object,
      strict: false,
    });
  }

  private watch(w: Watched): void {
    this.watched[this.watched.length] = w;
    record(this.before, w);
  }

  /** Watches a library module's exports: its classes' statics and prototypes, up their chain. */
  watchLibrary(exports: Record<string, unknown>): void {
    for (const key of Object.keys(exports)) {
      const value = exports[key];
      if (typeof value !== 'function' || this.seen.has(value)) continue;
      this.seen.add(value);
      this.watch({ name: key, target: value, strict: true });
      let proto = (value as { prototype?: object }).prototype;
      for (
        let name = `${key}.prototype`;
        proto && proto !== Object.prototype;
        proto = getPrototypeOf(proto) as object
      ) {
        this.watch({ name, target: proto, strict: true });
        name = `${name}.[[Prototype]]`;
      }
    }
  }

  /** The first thing that changed since it was watched, as feedback names it, or undefined. */
  changed(): string | undefined {
    const now = create(null) as Snapshot;
    for (let i = 0; i < this.watched.length; i++) record(now, this.watched[i]!);
    for (const label in this.before) if (!(label in now) || !is(now[label], this.before[label])) return label;
    return undefined;
  }
}
