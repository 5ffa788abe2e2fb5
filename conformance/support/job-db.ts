import { SqliteStateStore, type StoredJob } from "../../harness/host/sqlite-store.ts";

/**
 * The jobs a job database holds, as `job-parity jobs` lists them, read in this process. Opening the store recovers
 * orphans, so call it only when no process of the test still runs on the database.
 */
export function storedJobs(db: string): StoredJob[] {
  const store = new SqliteStateStore(db);
  try {
    return store.jobs();
  } finally {
    store.close();
  }
}
