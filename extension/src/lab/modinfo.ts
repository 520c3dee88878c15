// Reads a kernel module's .modinfo section (NUL-separated key=value strings) from its ELF64 file. The Debian
// image package ships no modules.dep (depmod runs at install time), so dependencies come from "depends=".
import { LabError } from './errors';

export function readModinfo(ko: Buffer, where: string): Map<string, string[]> {
  if (ko.length < 64 || ko.readUInt32BE(0) !== 0x7f454c46 || ko[4] !== 2 || ko[5] !== 1) {
    throw new LabError('modinfo', `${where} is not a little-endian ELF64 file`);
  }
  const shoff = Number(ko.readBigUInt64LE(0x28));
  const shentsize = ko.readUInt16LE(0x3a);
  const shnum = ko.readUInt16LE(0x3c);
  const shstrndx = ko.readUInt16LE(0x3e);
  if (shoff + shnum * shentsize > ko.length || shstrndx >= shnum) {
    throw new LabError('modinfo', `${where}: section table lies outside the file`);
  }
  const section = (i: number): { name: number; offset: number; size: number } => {
    const at = shoff + i * shentsize;
    return {
      name: ko.readUInt32LE(at),
      offset: Number(ko.readBigUInt64LE(at + 24)),
      size: Number(ko.readBigUInt64LE(at + 32)),
    };
  };
  const names = section(shstrndx);
  const nameOf = (off: number): string => {
    const start = names.offset + off;
    const end = ko.indexOf(0, start);
    return ko.toString('latin1', start, end < 0 ? start : end);
  };
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (nameOf(s.name) !== '.modinfo') continue;
    if (s.offset + s.size > ko.length) throw new LabError('modinfo', `${where}: .modinfo lies outside the file`);
    const info = new Map<string, string[]>();
    for (const entry of ko.toString('latin1', s.offset, s.offset + s.size).split('\0')) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const key = entry.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), entry.slice(eq + 1)]);
    }
    return info;
  }
  throw new LabError('modinfo', `${where} has no .modinfo section`);
}

/** Module names this module needs loaded first ("depends=a,b"). */
export function moduleDepends(info: Map<string, string[]>): string[] {
  return (info.get('depends') ?? []).flatMap((d) => d.split(',')).filter((d) => d.length > 0);
}
