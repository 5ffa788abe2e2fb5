;; Lines of the extension are not limited (report.flood): under maxLogLinesPerJob 2, plugin_init logs four lines,
;; all recorded, and the job's own three lines are cut at two.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "chatty")              ;; 6
  (data (i32.const 72) "execute_chatty")      ;; 14
  (data (i32.const 96) "init line")           ;; 9
  (data (i32.const 112) "job line")           ;; 8

  (func (export "plugin_init") (result i32)
    (call $log (i32.const 1) (i32.const 96) (i32.const 9))
    (call $log (i32.const 1) (i32.const 96) (i32.const 9))
    (call $log (i32.const 1) (i32.const 96) (i32.const 9))
    (call $log (i32.const 1) (i32.const 96) (i32.const 9))
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))

  (func (export "execute_chatty") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 8))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 8))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 8))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
