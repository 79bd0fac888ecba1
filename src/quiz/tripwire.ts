/**
 * The run-time half of the forbidden-call check, inside the grading child. Code outside the library gets
 * the library's modules through a guard: while a question's cases run, each export that question forbids
 * records the call and throws, however the code reached it (a computed name, eval, Function). The library's
 * own calls go to the real functions, so an allowed export that uses a forbidden one internally still works.
 * Forbidden platform features are replaced for the duration of the question's calls.
 */

/** What the running question forbids; empty between calls. */
let active: ReadonlySet<string> = new Set();
/** What the current call reached; the child reports it even if the code caught the error. */
export const tripped = new Set<string>();

export class ForbiddenCallError extends Error {
  constructor(readonly forbidden: string) {
    super(`${forbidden} is not allowed in this exercise: write it yourself`);
    this.name = 'ForbiddenCallError';
  }
}

function check(name: string): void {
  if (!active.has(name)) return;
  tripped.add(name);
  throw new ForbiddenCallError(name);
}

const guards = new WeakMap<object, object>();

/** The module as submission code sees it: `guard` names its exports that some question forbids. */
export function guardModule(real: Record<string, unknown>, guard: ReadonlySet<string>): object {
  const known = guards.get(real);
  if (known) return known;
  const view: Record<string, unknown> = {};
  const wrapped = new Map<string, unknown>();
  for (const key of Object.keys(real)) {
    Object.defineProperty(view, key, {
      enumerable: true,
      get: () => {
        const value = real[key];
        if (!guard.has(key)) return value;
        if (typeof value !== 'function') {
          check(key);
          return value;
        }
        if (!wrapped.has(key)) {
          wrapped.set(
            key,
            new Proxy(value, {
              apply: (target, self, args) => (check(key), Reflect.apply(target, self, args)),
              construct: (target, args, newTarget) => (check(key), Reflect.construct(target, args, newTarget)),
            }),
          );
        }
        return wrapped.get(key);
      },
    });
  }
  Object.defineProperty(view, '__esModule', { value: true });
  guards.set(real, view);
  return view;
}

/** Owner and property of each platform feature. */
const PLATFORM: Record<string, () => [object, string]> = {
  Float16Array: () => [globalThis, 'Float16Array'],
  'Math.f16round': () => [Math, 'f16round'],
  'DataView.prototype.getFloat16': () => [DataView.prototype, 'getFloat16'],
  'DataView.prototype.setFloat16': () => [DataView.prototype, 'setFloat16'],
};

/** Arms the tripwire for one question's call; returns the function that disarms it. */
export function arm(forbid: readonly string[]): () => void {
  active = new Set(forbid);
  tripped.clear();
  const restore = forbid
    .filter((name) => Object.hasOwn(PLATFORM, name))
    .map((name) => {
      const [owner, key] = PLATFORM[name]!();
      const saved = Object.getOwnPropertyDescriptor(owner, key);
      const wire = function (): void {
        check(name);
      };
      Object.defineProperty(owner, key, { value: wire, configurable: true, writable: true });
      return () => (saved ? Object.defineProperty(owner, key, saved) : delete (owner as Record<string, unknown>)[key]);
    });
  return () => {
    active = new Set();
    for (const r of restore) r();
  };
}
