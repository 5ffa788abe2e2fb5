;; ABI 1.1: a stateless checkpoint is a save the state store can fail (scenario.store-failures counts it). With
;; storeFailures [2]: the job checkpoints "kept" (save 1); its stateless checkpoint is save 2, which fails: STORE_ERROR
;; (10), and "kept" stays; a second stateless checkpoint (save 3) leaves the job with none.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint_stateless" (func $stateless (param i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "flaky")                 ;; 5
  (data (i32.const 72) "execute_flaky")         ;; 13
  (data (i32.const 88) "kept")                  ;; 4
  (data (i32.const 96) "stateless=")            ;; 10

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  ;; Logs "stateless=<status>" from 2048.
  (func $log_stateless (param $id i32) (param $status i32)
    (drop (call $copy (i32.const 2048) (i32.const 96) (i32.const 10)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 10) (call $write_u32 (i32.const 2058) (local.get $status)))))

  (func (export "execute_flaky") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $checkpoint (local.get $id) (i32.const 88) (i32.const 4)) (then (return (i32.const 2))))
    (call $log_stateless (local.get $id) (call $stateless (local.get $id)))
    (drop (call $load_state (local.get $id)))
    (call $log_stateless (local.get $id) (call $stateless (local.get $id)))
    (drop (call $load_state (local.get $id)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
