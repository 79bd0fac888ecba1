/**
 * Writing zip files (PKWARE APPNOTE 6.3): what a student submits (submit.ts) and the feedback an LMS takes
 * back (feedback_export.ts). Entries are deflated, their names UTF-8 (general purpose bit 11), and marked as
 * made on Unix so that the external attributes carry a mode. Reading stays with yauzl (collect.ts), which
 * checks every entry.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

export interface ZipEntry {
  /** '/'-separated path inside the archive. */
  readonly name: string;
  readonly data: string | Buffer;
  /** Unix mode: 0o100644 for a file (the default); 0o120777 makes a symbolic link to `data`. */
  readonly mode?: number;
}

const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const MADE_ON_UNIX = 3 << 8;
const VERSION = 20; // 2.0: deflate

/** MS-DOS time and date, as zip stores them: 2-second steps, years from 1980. */
function dosTime(d: Date): [number, number] {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

/**
 * The 26 bytes that a local header (at offset 4) and its central directory entry (at offset 6) share: version
 * needed, flags, method, time, date, CRC-32, sizes and the name's length.
 */
function entryFields(
  time: number,
  date: number,
  crc: number,
  packed: number,
  size: number,
  nameLength: number,
): Buffer {
  const b = Buffer.alloc(26);
  b.writeUInt16LE(VERSION, 0);
  b.writeUInt16LE(UTF8_NAMES, 2);
  b.writeUInt16LE(DEFLATE, 4);
  b.writeUInt16LE(time, 6);
  b.writeUInt16LE(date, 8);
  b.writeUInt32LE(crc, 10);
  b.writeUInt32LE(packed, 14);
  b.writeUInt32LE(size, 18);
  b.writeUInt16LE(nameLength, 22);
  return b;
}

/**
 * The bytes of a zip archive holding `entries`, in order, each dated `modified`.
 *
 *     fs.writeFileSync('a.zip', zipBytes([{ name: 'lesson1/index.ts', data: 'export {};\n' }]));
 */
export function zipBytes(entries: readonly ZipEntry[], modified = new Date()): Buffer {
  const [time, date] = dosTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.from(e.data);
    const packed = zlib.deflateRawSync(data);
    const crc = zlib.crc32(data);
    const fields = entryFields(time, date, crc, packed.length, data.length, name.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields.copy(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_ON_UNIX | VERSION, 4);
    fields.copy(central, 6);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Writes `entries` to the zip file `file`. */
export function writeZip(file: string, entries: readonly ZipEntry[]): void {
  fs.writeFileSync(file, zipBytes(entries));
}
