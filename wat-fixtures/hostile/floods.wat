;; A log flood and a warning flood under small caps (scenario: maxLogLinesPerJob 4, maxWarningsPerJob 3): 500
;; job_log lines, then 500 spacedrive_log lines (the same per-job cap: the job is running), then 1000 warnings, all
;; valid. The first 4 lines and 3 warnings are recorded; the first line and the first warning past a cap are each
;; refused once with LIMIT_EXCEEDED, and everything after is only counted (droppedLogLines 996, droppedWarnings
;; 997). A progress report after both floods still lands, and the job completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "floods")                          ;; 6
  (data (i32.const 80) "execute_floods")                  ;; 14
  (data (i32.const 96) "line")                            ;; 4
  (data (i32.const 100) "warn")                           ;; 4
  (data (i32.const 104) "done")                           ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))

  (func (export "execute_floods") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $i i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $i (i32.const 0))
    (loop $lines
      (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 4))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $lines (i32.lt_u (local.get $i) (i32.const 500))))
    (local.set $i (i32.const 0))
    (loop $instance_lines
      (call $log (i32.const 1) (i32.const 96) (i32.const 4))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $instance_lines (i32.lt_u (local.get $i) (i32.const 500))))
    (local.set $i (i32.const 0))
    (loop $warnings
      (call $warning (local.get $id) (i32.const 100) (i32.const 4))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $warnings (i32.lt_u (local.get $i) (i32.const 1000))))
    (call $progress (local.get $id) (f32.const 1) (i32.const 104) (i32.const 4))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
