;; WASM-only, ABI 1.1: a Percentage's number is checked as the double its JSON text is, never rounded to f32 first
;; (progress.structured). 1.00000001 is above 1 (BAD_ARGUMENT, 3), though its nearest f32 is 1; -1e-50 is below 0
;; (BAD_ARGUMENT), though its nearest f32 is -0; -0 and 1e-50 are from 0 to 1 (OK, 0), recorded byte for byte.
;; Each status is logged.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "percent") ;; 7
  (data (i32.const 72) "execute_percent") ;; 15
  (data (i32.const 88) "status=") ;; 7
  (data (i32.const 96) "{\"type\":\"Percentage\",\"data\":1.00000001}") ;; 39
  (data (i32.const 144) "{\"type\":\"Percentage\",\"data\":-1e-50}") ;; 35
  (data (i32.const 184) "{\"type\":\"Percentage\",\"data\":-0}") ;; 31
  (data (i32.const 216) "{\"type\":\"Percentage\",\"data\":1e-50}") ;; 34

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  ;; Logs "status=<status>" from 2048.
  (func $log_status (param $id i32) (param $status i32)
    (drop (call $copy (i32.const 2048) (i32.const 88) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 2055) (local.get $status)))))

  (func (export "execute_percent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 96) (i32.const 39)))
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 144) (i32.const 35)))
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 184) (i32.const 31)))
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 216) (i32.const 34)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
