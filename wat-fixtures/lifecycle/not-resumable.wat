;; plugin_init registers its one job with resumable=0; the job logs one line through job_log and completes.
;; The registration event must say resumable: false (a host that ignored the flag would record true).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "once")                    ;; 4
  (data (i32.const 80) "execute_once")            ;; 12
  (data (i32.const 96) "ran once")                ;; 8

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 0)))

  (func (export "execute_once") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 96) (i32.const 8))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
