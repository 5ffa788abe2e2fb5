;; Returns 7, which is none of 0 Completed, 1 Interrupted, 2 Failed: the host must fail the job and record an
;; abi_violation naming the job export with BAD_RETURN.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "bad-return")                      ;; 10
  (data (i32.const 80) "execute_bad_return")              ;; 18

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func (export "execute_bad_return") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 7))

  ;; @include "../lib/runtime.wat"
)
