;; A job's initial state is not a checkpoint, and an empty checkpoint is one (checkpoint.load): started with state
;; "init", the job's first job_load_state answers 0 (it logs "before: none"); after a checkpoint of 0 bytes,
;; job_load_state answers a frame of length 0 (it logs "after: empty").
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "empty")                  ;; 5
  (data (i32.const 72) "execute_empty")          ;; 13
  (data (i32.const 96) "before: none")           ;; 12
  (data (i32.const 112) "before: some")          ;; 12
  (data (i32.const 128) "after: empty")          ;; 12
  (data (i32.const 144) "after: none")           ;; 11
  (data (i32.const 160) "after: some")           ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_empty") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $answer i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $load_state (local.get $id))
      (then (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 12)))
      (else (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 12))))
    (if (call $checkpoint (local.get $id) (i32.const 0) (i32.const 0)) (then (return (i32.const 2))))
    (local.set $answer (call $load_state (local.get $id)))
    (if (i32.eqz (local.get $answer))
      (then (call $job_log (local.get $id) (i32.const 1) (i32.const 144) (i32.const 11)))
      (else
        (if (i32.load (local.get $answer))
          (then (call $job_log (local.get $id) (i32.const 1) (i32.const 160) (i32.const 11)))
          (else (call $job_log (local.get $id) (i32.const 1) (i32.const 128) (i32.const 12))))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
