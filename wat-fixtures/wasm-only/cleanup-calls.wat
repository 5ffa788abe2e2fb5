;; WASM-only: plugin_cleanup acts for the extension, as plugin_init does: its wire call is the extension's (job null),
;; a job call with any id is NOT_RUNNING_JOB in the extension trace, register_job is WRONG_PHASE; a trap at its end is
;; ignored (the job stays Completed). It logs the statuses it got: "cleanup: 2 9".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (data (i32.const 64) "work")                   ;; 4
  (data (i32.const 72) "execute_work")           ;; 12
  (data (i32.const 88) "query:libraries.list")   ;; 20
  (data (i32.const 112) "cleanup:")              ;; 8

  (global $line (mut i32) (i32.const 1024))
  (func $number (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32)
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (i32.const 112) (i32.const 8))))
    (drop (call $call (i32.const 88) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    ;; the job id the last run saw is still at 16..31: the job has ended, so it is not the running job
    (call $number (call $checkpoint (i32.const 16) (i32.const 64) (i32.const 4)))
    (call $number (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))
    (call $log (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1024)))
    (unreachable))

  (func (export "execute_work") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $job_id (local.get $ctx)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
