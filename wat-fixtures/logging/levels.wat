;; spacedrive_log from plugin_init (no job runs: it lands in the extension trace with job null), then in the job
;; job_log at levels 0..3 and two levels that mean info (9, and -1 which is 0xffffffff as a u32), and a
;; spacedrive_log while the job runs, which the host attributes to the running job.
(module
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "levels")                   ;; 6
  (data (i32.const 80) "execute_levels")           ;; 14
  (data (i32.const 96) "extension loaded")         ;; 16
  (data (i32.const 112) "level 0")                 ;; 7
  (data (i32.const 120) "level 1")                 ;; 7
  (data (i32.const 128) "level 2")                 ;; 7
  (data (i32.const 136) "level 3")                 ;; 7
  (data (i32.const 144) "level 9")                 ;; 7
  (data (i32.const 152) "level -1")                ;; 8
  (data (i32.const 160) "instance log in the job") ;; 23

  (func (export "plugin_init") (result i32)
    (call $log (i32.const 0) (i32.const 96) (i32.const 16))
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))

  (func (export "execute_levels") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 0) (i32.const 112) (i32.const 7))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 7))
    (call $job_log (local.get $id) (i32.const 2) (i32.const 128) (i32.const 7))
    (call $job_log (local.get $id) (i32.const 3) (i32.const 136) (i32.const 7))
    (call $job_log (local.get $id) (i32.const 9) (i32.const 144) (i32.const 7))
    (call $job_log (local.get $id) (i32.const -1) (i32.const 152) (i32.const 8))
    (call $log (i32.const 3) (i32.const 160) (i32.const 23))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
