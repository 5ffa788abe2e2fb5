;; A job that answers Interrupted (1) on every run without being asked to stop. The scenario resumes paused jobs,
;; and limits.maxRunsPerJob (3) bounds how often: after 3 runs the host gives up and the job stays Paused.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "forever")                         ;; 7
  (data (i32.const 80) "execute_forever")                 ;; 15

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "execute_forever") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $items (call $job_id (local.get $ctx)) (i64.const 1))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
