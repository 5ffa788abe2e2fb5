;; Adds three warnings, with a refused one (invalid UTF-8) between the second and the third: the refused warning
;; leaves an abi_violation and no warning event, does not count, and the job goes on.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))

  (data (i32.const 64) "warn")                          ;; 4
  (data (i32.const 80) "execute_warn")                  ;; 12
  (data (i32.const 96) "file a.txt skipped: locked")    ;; 26
  (data (i32.const 128) "file b.txt skipped: too big")  ;; 27
  (data (i32.const 160) "bad \ff\fe bytes")             ;; 12: 0xff 0xfe is not UTF-8
  (data (i32.const 176) "3 files skipped")              ;; 15

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  (func (export "execute_warn") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $warning (local.get $id) (i32.const 96) (i32.const 26))
    (call $warning (local.get $id) (i32.const 128) (i32.const 27))
    (call $warning (local.get $id) (i32.const 160) (i32.const 12))  ;; refused: BAD_ARGUMENT
    (call $warning (local.get $id) (i32.const 176) (i32.const 15))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
