;; A refused call is a host call all the same (call.count): with a pause planned at the 3rd host call, the job makes
;; two calls that are refused (NaN progress, a log line that is not UTF-8) and then checks: that check is the 3rd
;; call and answers 1, so the job returns 1 and ends Paused. A host that counts only accepted calls answers 0 there.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))

  (data (i32.const 64) "refusals")             ;; 8
  (data (i32.const 80) "execute_refusals")     ;; 16
  (data (i32.const 112) "\ff")                 ;; 1

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_refusals") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $progress (local.get $id) (f32.const nan) (i32.const 0) (i32.const 0))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 1))
    (if (call $check_interrupt (local.get $id)) (then (return (i32.const 1))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
