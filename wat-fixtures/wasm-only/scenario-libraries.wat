;; WASM-only (a native twin's init cannot make wire calls): the scenario's libraries exist from the start of the case,
;; after the default library and in the scenario's order (library.default). plugin_init, which runs when the guest
;; loads, before the root job exists, lists them, and the job lists them again; both answers hold all three. The job
;; then lists the entries of the library its context names: the default library (id:0, the first id listed).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "libraries")               ;; 9
  (data (i32.const 80) "execute_libraries")       ;; 17
  (data (i32.const 112) "query:libraries.list")   ;; 20
  (data (i32.const 136) "query:entries.list")     ;; 18

  (func (export "plugin_init") (result i32)
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  (func (export "execute_libraries") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (drop (call $call (i32.const 136) (i32.const 18) (call $library_id (local.get $ctx)) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
