;; ABI 1.1: one job_progress of each of core's six Progress kinds, as the JSON serde writes for core's Progress
;; ({"type": kind, "data": ...}); each answers OK (0) and is recorded as the guest's text, byte for byte: the u64s at
;; 2^64 - 1 exactly, the Indeterminate message's UTF-8, the Structured value and the Generic metadata as written.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "kinds") ;; 5
  (data (i32.const 72) "execute_kinds") ;; 13
  (data (i32.const 88) "{\"type\":\"Count\",\"data\":{\"current\":3,\"total\":10}}") ;; 48
  (data (i32.const 136) "{\"type\":\"Percentage\",\"data\":0.25}") ;; 33
  (data (i32.const 176) "{\"type\":\"Indeterminate\",\"data\":\"scanning \c3\a9t\c3\a9\"}") ;; 48
  (data (i32.const 224) "{\"type\":\"Bytes\",\"data\":{\"current\":18446744073709551615,\"total\":18446744073709551615}}") ;; 85
  (data (i32.const 312) "{\"type\":\"Structured\",\"data\":{\"files\":[1,2.5,-3],\"note\":\"free form\",\"nested\":{\"ok\":true,\"none\":null}}}") ;; 101
  (data (i32.const 416) "{\"type\":\"Generic\",\"data\":{\"percentage\":0.5,\"phase\":\"Processing\",\"current_path\":null,\"message\":\"halfway\",\"completion\":{\"completed\":50,\"total\":100,\"bytes_completed\":5000000000,\"total_bytes\":null},\"performance\":{\"rate\":10.5,\"estimated_remaining\":{\"secs\":30,\"nanos\":500},\"elapsed\":null,\"error_count\":0,\"warning_count\":2},\"metadata\":{\"thumbnails\":7}}}") ;; 346

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_kinds") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $progress (local.get $id) (i32.const 88) (i32.const 48)) (then (return (i32.const 2))))
    (if (call $progress (local.get $id) (i32.const 136) (i32.const 33)) (then (return (i32.const 2))))
    (if (call $progress (local.get $id) (i32.const 176) (i32.const 48)) (then (return (i32.const 2))))
    (if (call $progress (local.get $id) (i32.const 224) (i32.const 85)) (then (return (i32.const 2))))
    (if (call $progress (local.get $id) (i32.const 312) (i32.const 101)) (then (return (i32.const 2))))
    (if (call $progress (local.get $id) (i32.const 416) (i32.const 346)) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
