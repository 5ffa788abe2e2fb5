;; ABI 1.1: job_progress refuses JSON that is not one of core's Progress kinds with BAD_ARGUMENT (3): an unknown kind,
;; a negative count, a percentage above 1, a u64 of 2^64 (one past the largest), a Generic without its phase, a Generic
;; whose rate is past f32's largest. Each
;; refusal records abi_violation (arg progress_ptr) and no job_progress; the job logs each status, then a valid Count
;; answers 0 and is recorded.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "refused11") ;; 9
  (data (i32.const 80) "execute_refused11") ;; 17
  (data (i32.const 104) "status=") ;; 7
  (data (i32.const 112) "{\"type\":\"Fraction\",\"data\":0.5}") ;; 30
  (data (i32.const 144) "{\"type\":\"Count\",\"data\":{\"current\":-1,\"total\":10}}") ;; 49
  (data (i32.const 200) "{\"type\":\"Percentage\",\"data\":1.5}") ;; 32
  (data (i32.const 232) "{\"type\":\"Bytes\",\"data\":{\"current\":0,\"total\":18446744073709551616}}") ;; 66
  (data (i32.const 304) "{\"type\":\"Generic\",\"data\":{\"percentage\":0.5,\"message\":\"no phase\",\"completion\":{\"completed\":0,\"total\":0},\"performance\":{\"rate\":0,\"error_count\":0,\"warning_count\":0}}}") ;; 163
  (data (i32.const 472) "{\"type\":\"Generic\",\"data\":{\"percentage\":0.5,\"phase\":\"p\",\"message\":\"m\",\"completion\":{\"completed\":0,\"total\":0},\"performance\":{\"rate\":1e+39,\"error_count\":0,\"warning_count\":0}}}") ;; 172
  (data (i32.const 648) "{\"type\":\"Count\",\"data\":{\"current\":1,\"total\":2}}") ;; 47

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  ;; Logs "status=<status>" from 2048.
  (func $log_status (param $id i32) (param $status i32)
    (drop (call $copy (i32.const 2048) (i32.const 104) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 2055) (local.get $status)))))

  (func (export "execute_refused11") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; an unknown kind
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 112) (i32.const 30)))
    ;; a negative count
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 144) (i32.const 49)))
    ;; a percentage above 1
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 200) (i32.const 32)))
    ;; a u64 of 2^64
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 232) (i32.const 66)))
    ;; a Generic without its phase
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 304) (i32.const 163)))
    ;; a Generic rate past f32's largest
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 472) (i32.const 172)))
    ;; a Count, accepted
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 648) (i32.const 47)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
