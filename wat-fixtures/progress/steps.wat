;; Reports progress at fixed points, including one computed in f32 (1/3) and four out of range: the host must record
;; in-range values exactly as the f32 the guest passed and clamp the rest to 0..1 (1.5 -> 1, -0.5 -> 0, +inf -> 1,
;; -inf -> 0).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "steps")               ;; 5
  (data (i32.const 80) "execute_steps")       ;; 13
  (data (i32.const 96) "quarter")             ;; 7
  (data (i32.const 104) "third")              ;; 5
  (data (i32.const 112) "half")               ;; 4
  (data (i32.const 120) "over")               ;; 4
  (data (i32.const 128) "under")              ;; 5
  (data (i32.const 136) "infinite")           ;; 8
  (data (i32.const 144) "minus-infinite")     ;; 14
  (data (i32.const 160) "done")               ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))

  (func (export "execute_steps") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $progress (local.get $id) (f32.const 0.25) (i32.const 96) (i32.const 7))
    (call $progress (local.get $id) (f32.div (f32.const 1) (f32.const 3)) (i32.const 104) (i32.const 5))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 112) (i32.const 4))
    ;; out of range: clamped by the host
    (call $progress (local.get $id) (f32.const 1.5) (i32.const 120) (i32.const 4))
    (call $progress (local.get $id) (f32.const -0.5) (i32.const 128) (i32.const 5))
    (call $progress (local.get $id) (f32.const inf) (i32.const 136) (i32.const 8))
    (call $progress (local.get $id) (f32.const -inf) (i32.const 144) (i32.const 14))
    (call $progress (local.get $id) (f32.const 1) (i32.const 160) (i32.const 4))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
