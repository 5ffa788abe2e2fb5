;; At dispatch the host passes the context, then the state (the scenario's "x"). wasm_alloc logs "alloc" with
;; spacedrive_log each time it is called and answers 0xfffffff0 (far outside memory) the first time, a good pointer
;; after. The context cannot be taken: the host records one ALLOCATION_FAILED for it and asks nothing for the state,
;; so the job's trace holds one "alloc" line. A host that asks for both before it checks either logs two.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $calls (mut i32) (i32.const 0))

  (data (i32.const 64) "dispatch")                        ;; 8
  (data (i32.const 80) "execute_dispatch")                ;; 16
  (data (i32.const 96) "alloc")                           ;; 5

  (func (export "wasm_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (call $log (i32.const 1) (i32.const 96) (i32.const 5))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.eq (global.get $calls) (i32.const 1)) (then (return (i32.const 0xfffffff0))))
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_dispatch") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))
)
