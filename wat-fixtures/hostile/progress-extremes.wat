;; Progress values outside 0..1 as f32 carries them: +infinity, -infinity, -0.5, 1.5, -0.0, the largest f32 and its
;; negation are clamped (to 1, 0, 0, 1, 0, 1, 0); a NaN with a payload (nan:0x1, what a bit-cast produces) is refused
;; with BAD_ARGUMENT and records no progress. A plain 0.5 after them lands as 0.5. Each message names its value.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "extremes")                        ;; 8
  (data (i32.const 80) "execute_extremes")                ;; 16
  (data (i32.const 128) "+inf")                           ;; 4
  (data (i32.const 136) "-inf")                           ;; 4
  (data (i32.const 144) "-0.5")                           ;; 4
  (data (i32.const 152) "1.5")                            ;; 3
  (data (i32.const 160) "-0")                             ;; 2
  (data (i32.const 168) "f32 max")                        ;; 7
  (data (i32.const 176) "-f32 max")                       ;; 8
  (data (i32.const 192) "nan payload")                    ;; 11
  (data (i32.const 208) "half")                           ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_extremes") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $progress (local.get $id) (f32.const inf) (i32.const 128) (i32.const 4))
    (call $progress (local.get $id) (f32.const -inf) (i32.const 136) (i32.const 4))
    (call $progress (local.get $id) (f32.const -0.5) (i32.const 144) (i32.const 4))
    (call $progress (local.get $id) (f32.const 1.5) (i32.const 152) (i32.const 3))
    (call $progress (local.get $id) (f32.const -0) (i32.const 160) (i32.const 2))
    (call $progress (local.get $id) (f32.const 0x1.fffffep+127) (i32.const 168) (i32.const 7))
    (call $progress (local.get $id) (f32.const -0x1.fffffep+127) (i32.const 176) (i32.const 8))
    (call $progress (local.get $id) (f32.const nan:0x1) (i32.const 192) (i32.const 11))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 208) (i32.const 4))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
