// Names in the emitted AssemblyScript: IR names are kept where AssemblyScript
// allows them, and renamed (`name_`, `name_2`, ...) where they would collide
// with a keyword, a type, a builtin the emitted code refers to, or one of the
// runtime helpers appended to every module.

const KEYWORDS = `
  break case catch class const continue debugger default delete do else enum export extends false finally
  for function if import in instanceof new null return super switch this throw true try typeof var void
  while with yield let static implements interface package private protected public await abstract as
  async declare get set is module namespace of readonly type from keyof infer never unique unknown any
  constructor require global symbol object string number boolean bigint undefined arguments eval
`;

const AS_TYPES = `
  i8 i16 i32 i64 u8 u16 u32 u64 isize usize f32 f64 v128 bool auto native valueof returnof indexof nonnull
  i8x16 i16x8 i32x4 i64x2 f32x4 f64x2 u8x16 u16x8 u32x4 u64x2 anyref externref funcref ref_func ref_extern
`;

/** Builtins and globals the emitted code mentions by name. */
const AS_BUILTINS = `
  load store memory unreachable Math NaN Infinity isFinite isNaN abs floor ceil max min trunc sqrt nearest
  select changetype sizeof alignof offsetof unchecked inline lazy operator final unmanaged external
  __heap_base __data_end __stack_pointer heap assert trace abort seed
`;

/** Helpers of the emitted runtime (compiler/emit/as/prelude.ts). */
export const HELPERS = `
  at put accum at2 put2 accum2 lengthOf alloc allocOf pushF popF pushI popI pushR popR toInt32 upperBound lowerBound
  startIndex divInt npMax npMin npRelu npSigmoid npSignInto npAtLeastVV npAtLeastVS npAtLeastSV sliceBound
`;

const RESERVED = new Set([KEYWORDS, AS_TYPES, AS_BUILTINS, HELPERS].join(' ').split(/\s+/).filter(Boolean));

/** Prefixes kept for the runtime's own globals and functions. */
const RESERVED_PREFIX = /^(ct_|tf_|ti_|tr_|np_|result\d|__)/;

export function isReservedName(name: string): boolean {
  return RESERVED.has(name) || RESERVED_PREFIX.test(name);
}

/** Hands out AssemblyScript identifiers that collide with nothing already taken. */
export class AsNamer {
  private readonly taken = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const n of taken) this.taken.add(n);
  }

  /** Marks a name as taken without checking it. */
  claim(name: string): void { this.taken.add(name); }

  has(name: string): boolean { return this.taken.has(name); }

  /** An identifier for `wanted`: itself if free and legal, else a suffixed variant. */
  fresh(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    if (!base || /^[0-9]/.test(base)) base = `v_${base}`;
    if (isReservedName(base)) base = RESERVED_PREFIX.test(base) ? `u${base}` : `${base}_`;
    let name = base;
    for (let k = 2; this.taken.has(name) || isReservedName(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }
}
