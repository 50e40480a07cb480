// Makes app/favicon.ico from app/icon.svg: `node scripts/make-favicon.mjs`.
// Browsers and other clients ask for /favicon.ico whatever the page links
// (a raw message opened in a tab, /api/health); Next.js serves app/favicon.ico
// there. The .ico holds 16, 32 and 48 px PNGs (ICO with PNG entries, which
// every current browser reads), rendered by sharp, which Next.js brings.
import { readFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";

const root = new URL("..", import.meta.url).pathname;
const svg = readFileSync(`${root}app/icon.svg`);
const sizes = [16, 32, 48];
const pngs = await Promise.all(sizes.map((s) => sharp(svg, { density: 384 }).resize(s, s).png().toBuffer()));

// ICONDIR: reserved, type 1 (icon), count; then one 16-byte ICONDIRENTRY per image.
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(sizes.length, 4);
let offset = header.length + 16 * sizes.length;
const entries = sizes.map((size, i) => {
  const png = pngs[i];
  const entry = Buffer.alloc(16);
  entry.writeUInt8(size, 0);
  entry.writeUInt8(size, 1);
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(offset, 12);
  offset += png.length;
  return entry;
});
writeFileSync(`${root}app/favicon.ico`, Buffer.concat([header, ...entries, ...pngs]));
