;; WASM-only: a run with no state, or an empty one, is called with state_ptr 0 and state_len 0 (dispatch.no-state).
;; The scenario's state is "" (empty); the root spawns a child with empty params. Each job returns 2 (Failed) when its
;; state pointer or length is not 0, else 0.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "root")               ;; 4
  (data (i32.const 72) "execute_root")       ;; 12
  (data (i32.const 88) "leaf")               ;; 4
  (data (i32.const 96) "execute_leaf")       ;; 12

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))

  (func $no_state (param $st i32) (param $st_len i32) (result i32)
    (i32.and (i32.eqz (local.get $st)) (i32.eqz (local.get $st_len))))

  (func (export "execute_root") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (if (i32.eqz (call $no_state (local.get $st) (local.get $st_len))) (then (return (i32.const 2))))
    (drop (call $spawn (call $job_id (local.get $ctx)) (i32.const 88) (i32.const 4) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_leaf") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (if (i32.eqz (call $no_state (local.get $st) (local.get $st_len))) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
