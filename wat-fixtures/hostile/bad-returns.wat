;; The parent spawns four children whose exports return values outside 0..2: 3, -1 (0xffffffff), 2147483647 and
;; -2147483648 (0x80000000), then completes. Each child fails with a BAD_RETURN abi_violation naming its export,
;; and its exit code is the i32 as returned (signed); none is treated as Interrupted or resumed.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "parent")                          ;; 6
  (data (i32.const 72) "ret_3")                           ;; 5
  (data (i32.const 80) "ret_minus_1")                     ;; 11
  (data (i32.const 96) "ret_max")                         ;; 7
  (data (i32.const 104) "ret_min")                        ;; 7
  (data (i32.const 128) "execute_parent")                 ;; 14
  (data (i32.const 144) "execute_ret_3")                  ;; 13
  (data (i32.const 160) "execute_ret_minus_1")            ;; 19
  (data (i32.const 180) "execute_ret_max")                ;; 15
  (data (i32.const 196) "execute_ret_min")                ;; 15

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 128) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 72) (i32.const 5) (i32.const 144) (i32.const 13) (i32.const 1)))
    (drop (call $register_job (i32.const 80) (i32.const 11) (i32.const 160) (i32.const 19) (i32.const 1)))
    (drop (call $register_job (i32.const 96) (i32.const 7) (i32.const 180) (i32.const 15) (i32.const 1)))
    (call $register_job (i32.const 104) (i32.const 7) (i32.const 196) (i32.const 15) (i32.const 1)))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 80) (i32.const 11) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 96) (i32.const 7) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 104) (i32.const 7) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (i32.const 0))

  (func (export "execute_ret_3") (param i32 i32 i32 i32) (result i32) (i32.const 3))
  (func (export "execute_ret_minus_1") (param i32 i32 i32 i32) (result i32) (i32.const 0xffffffff))
  (func (export "execute_ret_max") (param i32 i32 i32 i32) (result i32) (i32.const 0x7fffffff))
  (func (export "execute_ret_min") (param i32 i32 i32 i32) (result i32) (i32.const 0x80000000))

  ;; @include "../lib/runtime.wat"
)
