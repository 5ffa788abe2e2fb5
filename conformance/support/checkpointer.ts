/**
 * The checkpoint conformance/crash-guests/checkpointer.* sends at a step: its JSON header
 * {"step","target","size","every"}, then bytes (step*31 + i) & 0x7f up to `size` bytes in all.
 */
export function checkpointerState(step: number, job: { readonly target: number; readonly size: number; readonly every: number }): Buffer {
  const header = Buffer.from(`{"step":${step},"target":${job.target},"size":${job.size},"every":${job.every}}`);
  const state = Buffer.alloc(Math.max(job.size, header.length));
  header.copy(state);
  for (let i = header.length; i < state.length; i++) state[i] = (step * 31 + i) & 0x7f;
  return state;
}
