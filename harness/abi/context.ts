import { encodeUtf8 } from "./codec.ts";

/**
 * The context a job export receives, as exact bytes: compact JSON, keys in this order, lowercase UUIDs. This is what
 * serde_json writes for core's `json!({"job_id": .., "library_id": ..})`, so SDK guests parse it unchanged.
 */
export function encodeJobContext(jobId: string, libraryId: string): Uint8Array {
  return encodeUtf8(`{"job_id":"${jobId}","library_id":"${libraryId}"}`);
}
