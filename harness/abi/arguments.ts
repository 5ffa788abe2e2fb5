/**
 * The arguments a refusal can name. `param` is the parameter's name in the imports table: what an `abi_violation`'s
 * `arg` field carries, and what hosts compare. `what` is how a refusal's words (its `detail`) call it.
 */
export interface ArgumentRef {
  readonly param: string;
  readonly what: string;
}

export const ARG = {
  jobId: { param: "job_id_ptr", what: "the job id" },
  message: { param: "msg_ptr", what: "the message" },
  progressMessage: { param: "msg_ptr", what: "the progress message" },
  logMessage: { param: "msg_ptr", what: "the log message" },
  warning: { param: "msg_ptr", what: "the warning" },
  error: { param: "msg_ptr", what: "the error" },
  progress: { param: "progress", what: "progress" },
  state: { param: "state_ptr", what: "the state" },
  jobName: { param: "name_ptr", what: "the job name" },
  exportName: { param: "export_ptr", what: "the export name" },
  method: { param: "method_ptr", what: "the method" },
  libraryId: { param: "library_id_ptr", what: "the library id" },
  payload: { param: "payload_ptr", what: "the payload" },
  childType: { param: "type_ptr", what: "the child type" },
  params: { param: "params_ptr", what: "the params" },
  progressJson: { param: "progress_ptr", what: "the progress" },
  metricsOut: { param: "out_ptr", what: "the metrics buffer" },
} as const satisfies Record<string, ArgumentRef>;

/**
 * What an `abi_violation` says besides the import and the code (null where the refusal's clause gives nothing):
 * the parameter, the limit reached (a handshake limit name), and the size that was too large or asked for.
 */
export interface RefusalFields {
  readonly arg: string | null;
  readonly limit: string | null;
  readonly size: number | null;
}

export const NO_FIELDS: RefusalFields = { arg: null, limit: null, size: null };

/** A refusal about one argument. */
export const about = (argument: ArgumentRef): RefusalFields => ({ arg: argument.param, limit: null, size: null });

/** A limit reached by an argument of `size` bytes, or (argument null, size null) by a count. */
export const overLimit = (limit: string, argument: ArgumentRef | null = null, size: number | null = null): RefusalFields => ({
  arg: argument?.param ?? null,
  limit,
  size,
});
