;; WASM-only (a native name is always a string): the order of register_job's checks (init.register). From a job's run,
;; outside plugin_init: a name that is not UTF-8 is BAD_ARGUMENT naming name_ptr, and an export name that is not
;; UTF-8 BAD_ARGUMENT naming export_ptr (UTF-8 is checked before the phase); an empty name is WRONG_PHASE (the phase
;; is checked before the name's emptiness). In plugin_init, resumable 2 is recorded as resumable true (any non-zero).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "order")               ;; 5
  (data (i32.const 72) "execute_order")       ;; 13
  (data (i32.const 88) "\ff\fe")              ;; 2: not UTF-8

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 2)))

  (func (export "execute_order") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $register_job (i32.const 88) (i32.const 2) (i32.const 72) (i32.const 13) (i32.const 1)))  ;; bad name
    (drop (call $register_job (i32.const 64) (i32.const 5) (i32.const 88) (i32.const 2) (i32.const 1)))   ;; bad export
    (drop (call $register_job (i32.const 64) (i32.const 0) (i32.const 72) (i32.const 13) (i32.const 1)))  ;; empty name
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
