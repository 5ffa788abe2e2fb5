;; Records two non-critical errors and one warning, and tries a third error that is not UTF-8 (refused). Errors
;; and warnings are separate: each lands in its own event kind and its own metrics count.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))

  (data (i32.const 64) "errors")                          ;; 6
  (data (i32.const 80) "execute_errors")                  ;; 14
  (data (i32.const 96) "cannot read a.txt: EACCES")       ;; 25
  (data (i32.const 128) "slow disk")                      ;; 9
  (data (i32.const 144) "\c3\28 invalid")                 ;; 10: 0xc3 0x28 is not UTF-8
  (data (i32.const 160) "cannot hash b.txt: EIO")         ;; 22

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))

  (func (export "execute_errors") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $error (local.get $id) (i32.const 96) (i32.const 25))
    (call $warning (local.get $id) (i32.const 128) (i32.const 9))
    (call $error (local.get $id) (i32.const 144) (i32.const 10))  ;; refused: BAD_ARGUMENT
    (call $error (local.get $id) (i32.const 160) (i32.const 22))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
