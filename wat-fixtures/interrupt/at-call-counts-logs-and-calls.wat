;; A cancel planned at the 3rd host call: the job logs a line (call 1), lists the libraries over the wire (call 2),
;; then checks for an interrupt (call 3), which must answer 2 (cancel); on a non-zero answer it returns 1, so the job
;; ends Cancelled. A host that did not count log lines or wire calls toward atCall plans would answer 0 here and
;; the job would complete.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))

  (data (i32.const 64) "at_call")                 ;; 7
  (data (i32.const 80) "execute_at_call")         ;; 15
  (data (i32.const 96) "before the call")         ;; 15
  (data (i32.const 112) "query:libraries.list")   ;; 20
  (data (i32.const 136) "{}")                     ;; 2

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "execute_at_call") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 15))
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 136) (i32.const 2)))
    (if (call $check_interrupt (local.get $id)) (then (return (i32.const 1))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
