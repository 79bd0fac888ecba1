/** JSON with the numbers JSON cannot hold (NaN, ±Infinity, −0), for messages between grader and child. */

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
      return { $num: Object.is(v, -0) ? '-0' : String(v) };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

export function fromWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && '$num' in v) return Number((v as { $num: string }).$num);
    return v;
  });
}
