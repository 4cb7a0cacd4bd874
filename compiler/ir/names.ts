// Hygienic, deterministic names. A Namer is seeded with every name the user's
// function uses, so generated names (temporaries, adjoints `dx`, tangents `tx`)
// never capture or shadow user names, and the same input always gives the
// same output (goldens stay stable).

const RESERVED = new Set([
  // JavaScript and AssemblyScript keywords and names the emitted code relies on.
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof',
  'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void',
  'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected',
  'public', 'await', 'abstract', 'as', 'async', 'declare', 'is', 'keyof', 'module', 'namespace', 'readonly',
  'type', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'Math', 'Float64Array', 'Int32Array',
  'Array', 'Object', 'Error', 'tape', 'np', 'memory', 'load', 'store', 'v128', 'f64', 'f32', 'i32', 'i64',
  'u32', 'u8', 'usize', 'isize', 'bool', 'unchecked', 'changetype', 'sizeof', 'offsetof', 'alignof',
  'unreachable', 'select', 'heap', 'String', 'Number', 'Boolean', 'Symbol', 'Map', 'Set', 'globalThis',
]);

export class Namer {
  private readonly taken = new Set<string>();
  private readonly next = new Map<string, number>();

  constructor(seed: Iterable<string> = []) {
    for (const n of seed) this.taken.add(n);
  }

  /** Marks a name as used (a user's name that must stay as it is). */
  claim(name: string): void {
    this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name) || RESERVED.has(name);
  }

  /** A fresh name built from `hint`: the hint itself if free, else hint2, hint3, ... */
  fresh(hint: string): string {
    let base = sanitize(hint);
    if (!this.has(base)) { this.taken.add(base); return base; }
    // `x_i` → `x_i2`; a hint that ends in a digit gets an underscore first (`t1` → `t1_2`).
    const sep = /\d$/.test(base) ? '_' : '';
    // Names are never given back, so the search for a base resumes where it last ended
    // (the same names as searching from 2, without quadratic time in long functions).
    for (let k = this.next.get(base) ?? 2; ; k++) {
      const name = `${base}${sep}${k}`;
      if (!this.has(name)) { this.taken.add(name); this.next.set(base, k + 1); return name; }
    }
  }
}

function sanitize(hint: string): string {
  let s = hint.replace(/[^A-Za-z0-9_$]/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '' || /^\d/.test(s)) s = 't' + s;
  return s.length > 48 ? s.slice(0, 48) : s;
}

/** The adjoint of `x` is `dx`; of `x_i`, `dx_i`. */
export const adjointHint = (name: string) => `d${name}`;
/** The tangent of `x` is `tx`. */
export const tangentHint = (name: string) => `t${name}`;
