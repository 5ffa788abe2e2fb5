;; Under a message limit of 4 bytes, plugin_init registers the job "long_name_job" (13 bytes) with the export
;; "execute_long_name_job" (21 bytes): names are not messages, so registration succeeds and the job runs by its
;; registered name. The job then logs "ran" (3 bytes, recorded) and "ran ok" (6 bytes, refused with
;; LIMIT_EXCEEDED), which shows the limit is in force for messages in this very scenario.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "long_name_job")            ;; 13
  (data (i32.const 80) "execute_long_name_job")    ;; 21
  (data (i32.const 112) "ran")                     ;; 3
  (data (i32.const 120) "ran ok")                  ;; 6

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 13) (i32.const 80) (i32.const 21) (i32.const 1)))

  (func (export "execute_long_name_job") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 3))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 6))  ;; over the limit: LIMIT_EXCEEDED
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
