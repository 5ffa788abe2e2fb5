;; Spacedrive's own extension test operation, query:test.ping, a library query: on the job's library it echoes the
;; message with "Pong: " and answers count 1 when the request has none, or the request's count; naming no library it
;; answers LibraryRequired. The answers are recorded in the call events; the guest does not read them.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "ping")                            ;; 4
  (data (i32.const 72) "execute_ping")                    ;; 12
  (data (i32.const 96) "query:test.ping")                 ;; 15
  (data (i32.const 112) "{\"message\":\"hi\"}")           ;; 16
  (data (i32.const 136) "{\"message\":\"again\",\"count\":3}") ;; 29

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))

  (func (export "execute_ping") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $lib i32)
    (local.set $lib (call $library_id (local.get $ctx)))
    (drop (call $call (i32.const 96) (i32.const 15) (local.get $lib) (i32.const 112) (i32.const 16)))
    (drop (call $call (i32.const 96) (i32.const 15) (local.get $lib) (i32.const 136) (i32.const 29)))
    (drop (call $call (i32.const 96) (i32.const 15) (i32.const 0) (i32.const 112) (i32.const 16)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
