;; A message is the guest's bytes, byte for byte (report.log): a log line and a warning that start with a UTF-8 byte
;; order mark (EF BB BF) keep it; a host whose decoder drops a leading BOM loses it.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_add_warning" (func $warn (param i32 i32 i32)))

  (data (i32.const 64) "bom")                 ;; 3
  (data (i32.const 72) "execute_bom")         ;; 11
  (data (i32.const 96) "\ef\bb\bfmarked")     ;; 9

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 3) (i32.const 72) (i32.const 11) (i32.const 1)))

  (func (export "execute_bom") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 9))
    (call $warn (local.get $id) (i32.const 96) (i32.const 9))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
