;; WASM-only, ABI 1.1: the new imports' refusals of what only a guest's pointers can get wrong. job_metrics with 24
;; bytes from 65530 (past the 64 KiB of memory) is INVALID_MEMORY_ACCESS (1) and writes nothing; with an id that is
;; not the running job's (16 zero bytes at 2200) NOT_RUNNING_JOB (2). job_checkpoint_stateless with that id is
;; NOT_RUNNING_JOB and keeps the checkpoint; job_wait_for_children with it answers 0 and runs no child. The job logs
;; each answer, then waits for its child for real.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_metrics" (func $metrics (param i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint_stateless" (func $stateless (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "refusals")              ;; 8
  (data (i32.const 72) "execute_refusals")      ;; 16
  (data (i32.const 88) "child")                 ;; 5
  (data (i32.const 96) "execute_child")         ;; 13
  (data (i32.const 112) "kept")                 ;; 4
  (data (i32.const 120) "answer=")              ;; 7

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 8) (i32.const 72) (i32.const 16) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  ;; Logs "answer=<n>" from 2048.
  (func $log_answer (param $id i32) (param $n i32)
    (drop (call $copy (i32.const 2048) (i32.const 120) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 2055) (local.get $n)))))

  (func (export "execute_refusals") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $checkpoint (local.get $id) (i32.const 112) (i32.const 4)) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (call $log_answer (local.get $id) (call $metrics (local.get $id) (i32.const 65530)))
    (call $log_answer (local.get $id) (call $metrics (i32.const 2200) (i32.const 1024)))
    (call $log_answer (local.get $id) (call $stateless (i32.const 2200)))
    (call $log_answer (local.get $id) (call $wait (i32.const 2200)))
    (call $log_answer (local.get $id) (i32.ne (call $wait (local.get $id)) (i32.const 0)))
    (i32.const 2))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
