// A line diff (longest common subsequence), enough for generated code of a
// few hundred lines: raw transformation vs optimised.

export type DiffLine = { op: ' ' | '-' | '+'; text: string };

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Common prefix and suffix are kept out of the quadratic table.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const n = endA - start, m = endB - start;
  // lcs[i][j]: length of the LCS of a[start+i..endA) and b[start+j..endB), flattened.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[start + i] === b[start + j]
        ? lcs[(i + 1) * w + j + 1] + 1
        : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: ' ', text }));
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ op: ' ', text: a[start + i] }); i++; j++;
    } else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
      out.push({ op: '-', text: a[start + i] }); i++;
    } else {
      out.push({ op: '+', text: b[start + j] }); j++;
    }
  }
  for (const text of a.slice(endA)) out.push({ op: ' ', text });
  return out;
}

function splitLines(s: string): string[] {
  const lines = s.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Counts of removed and added lines. */
export function diffStats(lines: DiffLine[]): { removed: number; added: number } {
  let removed = 0, added = 0;
  for (const l of lines) {
    if (l.op === '-') removed++;
    else if (l.op === '+') added++;
  }
  return { removed, added };
}
