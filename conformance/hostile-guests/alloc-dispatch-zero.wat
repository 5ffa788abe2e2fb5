;; At dispatch the host writes the context through wasm_alloc, which here returns 0 (plugin_init sets allocator
;; mode 1). The job never starts: one ALLOCATION_FAILED abi_violation named after the export (execute_dispatch), and
;; the job ends Failed with cause trap ("the host could not pass the context and state: wasm_alloc failed").
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "dispatch")                        ;; 8
  (data (i32.const 80) "execute_dispatch")                ;; 16
  (data (i32.const 96) "started")                         ;; 7

  (func (export "plugin_init") (result i32)
    (global.set $alloc_mode (i32.const 1))
    (global.set $alloc_normal (i32.const 0))
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_dispatch") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 96) (i32.const 7))
    (i32.const 0))

  ;; @include "lib/alloc-runtime.wat"
)
