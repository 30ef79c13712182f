import { inflateSync } from 'node:zlib';

/** WinAnsi bytes 0x80–0x9F that differ from Latin-1 (those the invoices print). */
const WIN_ANSI: Record<number, string> = { 0x80: '€', 0x92: '’', 0x96: '–', 0x97: '—', 0x9c: 'œ', 0x85: '…' };

/** The content streams of a PDF, inflated when compressed. */
export function pdfStreams(pdf: Buffer): string[] {
  const s = pdf.toString('latin1');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const a = s.indexOf('stream', i);
    if (a < 0) return out;
    let start = a + 6;
    if (s[start] === '\r') start++;
    if (s[start] === '\n') start++;
    const end = s.indexOf('endstream', start);
    if (end < 0) return out;
    i = end + 9;
    const raw = pdf.subarray(start, end);
    try {
      out.push(inflateSync(raw).toString('latin1'));
    } catch {
      out.push(raw.toString('latin1'));
    }
  }
}

/**
 * The text pdfkit drew with the standard fonts, one entry per text operation with its position:
 * pdfkit writes `1 0 0 1 x y Tm` then `[<hex> kern <hex>…] TJ`.
 */
export function pdfTextRuns(pdf: Buffer): Array<{ x: number; y: number; text: string }> {
  const runs: Array<{ x: number; y: number; text: string }> = [];
  for (const stream of pdfStreams(pdf)) {
    for (const m of stream.matchAll(/1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\s*(?:\/[A-Za-z0-9]+ [\d.]+ Tf\s*)?\[((?:<[0-9a-f]*>|\s|-?[\d.]+)*)\] TJ/g)) {
      const text = [...(m[3] as string).matchAll(/<([0-9a-f]*)>/g)]
        .map((h) => Buffer.from(h[1] as string, 'hex'))
        .map((b) => [...b].map((c) => WIN_ANSI[c] ?? String.fromCharCode(c)).join(''))
        .join('');
      runs.push({ x: Number(m[1]), y: Number(m[2]), text });
    }
  }
  return runs;
}

export const pdfText = (pdf: Buffer): string => pdfTextRuns(pdf).map((r) => r.text).join('\n');
