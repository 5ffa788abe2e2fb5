;; Three progress calls the host must refuse with BAD_ARGUMENT and record no progress for: a NaN, a negative
;; signalling NaN with a payload (so no host gets by with a bit-pattern check or by clamping NaN to 0), and a valid
;; value whose message is invalid UTF-8 (0xff 0xfe). A valid call after them must still land: a refusal does not end
;; the job.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "refused")             ;; 7
  (data (i32.const 80) "execute_refused")     ;; 15
  (data (i32.const 96) "nan")                 ;; 3
  (data (i32.const 104) "negative-nan")       ;; 12
  (data (i32.const 120) "\ff\fe")             ;; 2, not UTF-8
  (data (i32.const 128) "after")              ;; 5

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "execute_refused") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $progress (local.get $id) (f32.const nan) (i32.const 96) (i32.const 3))
    (call $progress (local.get $id) (f32.const -nan:0x200001) (i32.const 104) (i32.const 12))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 120) (i32.const 2))
    (call $progress (local.get $id) (f32.const 0.75) (i32.const 128) (i32.const 5))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
