;; plugin_init registers its one job with resumable=0. The flag is recorded (job_registered says resumable: false) and
;; changes nothing else: paused at its first interrupt check, the job returns 1, is resumed like any job, and then
;; logs one line through job_log and completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "once")                    ;; 4
  (data (i32.const 80) "execute_once")            ;; 12
  (data (i32.const 96) "ran once")                ;; 8

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 0)))

  (func (export "execute_once") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $check_interrupt (local.get $id)) (then (return (i32.const 1))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 8))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
