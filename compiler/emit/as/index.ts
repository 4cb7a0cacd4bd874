// IR → AssemblyScript. See README.md for the memory layout and the ABI the
// JS wrapper (runtime/wasm-instance.ts) relies on.
export { emitAssemblyScript, AsEmitError, f64Literal, type AsEmitOptions, type AsEmitted, type AsEntryAbi, type LoopReport } from './emit.js';
export { planVectorLoop, type VectorDecision, type VectorPlan } from './simd.js';
