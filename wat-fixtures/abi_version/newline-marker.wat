;; A guest whose only marker-like export is named spacedrive_abi_version_9_0 followed by a line feed (0a): the name
;; does not end in digits, so it is not a marker (version.marker) but an ordinary export. The guest asks for 1.0, loads
;; and its job runs; read as a marker for ABI 9.0, it would fail to load with JP_ABI_VERSION.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_9_0\0a") i32 (i32.const 0))
  (data (i32.const 64) "hello")          ;; 5
  (data (i32.const 80) "execute_hello")  ;; 13
  (data (i32.const 96) "hello from ABI") ;; 14

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))

  (func (export "execute_hello") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 96) (i32.const 14))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
