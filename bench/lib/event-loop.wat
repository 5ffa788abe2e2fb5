;; A long job for the memory benchmarks (bench/rss.ts) and the trace-window tests: job "event_loop" reads N from its
;; state (10 decimal digits, e.g. --state 0001000000) and reports progress N times, i/N with the message
;; "a progress report", then completes. No report repeats the one before (the value changes), so none is coalesced:
;; the job records N + 3 trace events (Queued, Running, N progress, Completed).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "event_loop")          ;; 10
  (data (i32.const 96) "a progress report")   ;; 17

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 64) (i32.const 10) (i32.const 0)))

  (func (export "event_loop") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $n i32) (local $i i32)
    (if (i32.ne (local.get $st_len) (i32.const 10)) (then (return (i32.const 2))))
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $n (call $decimal10 (local.get $st)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $progress (local.get $id)
          (f32.div (f32.convert_i32_u (local.get $i)) (f32.convert_i32_u (local.get $n)))
          (i32.const 96) (i32.const 17))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; @include "decimal.wat"
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
