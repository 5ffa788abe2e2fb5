;; ABI 1.1: a stateless checkpoint reaches the state store and is counted among the saves storeFailures names, also
;; when the job has no checkpoint to clear (scenario.store-failures). With storeFailures [1]: the job's first act is a
;; stateless checkpoint (save 1), which fails: STORE_ERROR (10); its checkpoint of "kept" is save 2, saved: 0. A host
;; that skipped the store for a job with nothing to clear would answer 0, then fail the checkpoint of "kept".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint_stateless" (func $stateless (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "first")                 ;; 5
  (data (i32.const 72) "execute_first")         ;; 13
  (data (i32.const 88) "kept")                  ;; 4
  (data (i32.const 96) "stateless=")            ;; 10
  (data (i32.const 112) "checkpoint=")          ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  ;; Logs the label at $label ($len bytes) and the status, from 2048.
  (func $log_status (param $id i32) (param $label i32) (param $len i32) (param $status i32)
    (drop (call $copy (i32.const 2048) (local.get $label) (local.get $len)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (local.get $len) (call $write_u32 (i32.add (i32.const 2048) (local.get $len)) (local.get $status)))))

  (func (export "execute_first") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $log_status (local.get $id) (i32.const 96) (i32.const 10) (call $stateless (local.get $id)))
    (call $log_status (local.get $id) (i32.const 112) (i32.const 11) (call $checkpoint (local.get $id) (i32.const 88) (i32.const 4)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
