;; Host calls from plugin_init, before any job exists. spacedrive_log is fine there (a log line of the extension),
;; and so is spacedrive_call (a call of the extension, answered). Every job import, named with the only id plugin_init
;; could have (the 16 zero bytes at 16..31), is refused with NOT_RUNNING_JOB on the extension's trace: checkpoint
;; answers 2, load_state, check_interrupt and spawn_child 0. plugin_init logs those answers and the call's
;; ("init: checkpoint=2 load=0 interrupt=0 spawn=0 call=1"), registers `init_calls` and returns 0; the job runs.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "init_calls")                      ;; 10
  (data (i32.const 80) "execute_init_calls")              ;; 18
  (data (i32.const 112) "from init")                      ;; 9
  (data (i32.const 128) "query:libraries.list")           ;; 20
  (data (i32.const 160) "init: checkpoint=")              ;; 17
  (data (i32.const 184) " load=")                         ;; 6
  (data (i32.const 192) " interrupt=")                    ;; 11
  (data (i32.const 208) " spawn=")                        ;; 7
  (data (i32.const 216) " call=")                         ;; 6
  (data (i32.const 224) "job ran")                        ;; 7

  (func $field (param $p i32) (param $text i32) (param $len i32) (param $n i32) (result i32)
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (local.get $text) (local.get $len))))
    (i32.add (local.get $p) (call $write_u32 (local.get $p) (local.get $n))))

  (func (export "plugin_init") (result i32)
    (local $checkpoint i32) (local $load i32) (local $interrupt i32) (local $spawned i32) (local $answer i32) (local $p i32)
    (call $log (i32.const 1) (i32.const 112) (i32.const 9))
    (local.set $checkpoint (call $checkpoint (global.get $JOB_ID) (i32.const 112) (i32.const 9)))
    (local.set $load (call $load_state (global.get $JOB_ID)))
    (local.set $interrupt (call $check_interrupt (global.get $JOB_ID)))
    (call $progress (global.get $JOB_ID) (f32.const 0.5) (i32.const 112) (i32.const 9))
    (call $items (global.get $JOB_ID) (i64.const 1))
    (call $bytes (global.get $JOB_ID) (i64.const 1))
    (call $warning (global.get $JOB_ID) (i32.const 112) (i32.const 9))
    (call $error (global.get $JOB_ID) (i32.const 112) (i32.const 9))
    (call $job_log (global.get $JOB_ID) (i32.const 1) (i32.const 112) (i32.const 9))
    (local.set $spawned (call $spawn (global.get $JOB_ID) (i32.const 64) (i32.const 10) (i32.const 0) (i32.const 0)))
    (local.set $answer (call $call (i32.const 128) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (local.set $p (call $field (i32.const 1024) (i32.const 160) (i32.const 17) (local.get $checkpoint)))
    (local.set $p (call $field (local.get $p) (i32.const 184) (i32.const 6) (local.get $load)))
    (local.set $p (call $field (local.get $p) (i32.const 192) (i32.const 11) (local.get $interrupt)))
    (local.set $p (call $field (local.get $p) (i32.const 208) (i32.const 7) (local.get $spawned)))
    (local.set $p (call $field (local.get $p) (i32.const 216) (i32.const 6) (i32.ne (local.get $answer) (i32.const 0))))
    (call $log (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024)))
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func (export "execute_init_calls") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 224) (i32.const 7))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
