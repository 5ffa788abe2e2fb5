;; WASM-only: wire.order's form check takes the whole method: `query:test.ping` and `action:test.ping.input`, each
;; followed by a line feed (0a), are not of the form `query:<name>` / `action:<name>.input` (a line feed is not a
;; character of <name>, nor of `.input`). Under a manifest allowing 1 call a minute:
;;   1 query:test.ping\n, library: the job's context's       UnknownMethod, not counted by the rate limit
;;   2 action:test.ping.input\n, no library                   UnknownMethod, not counted
;;   3 action:test.ping.input, no library                     answered: the one call the limit lets through
;;   4 action:test.ping.input, no library                     RateLimitExceeded
;;   5 query:test.ping\n again, once the budget is spent       UnknownMethod: the form is checked before the rate
;; Every call is answered (errors are answers, not refusals); the answers are in the call events.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "newline")                   ;; 7
  (data (i32.const 72) "execute_newline")           ;; 15
  (data (i32.const 96) "query:test.ping\0a")        ;; 16
  (data (i32.const 112) "action:test.ping.input\0a") ;; 23
  (data (i32.const 136) "{\"message\":\"hi\"}")     ;; 16

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_newline") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $lib i32)
    (local.set $lib (call $library_id (local.get $ctx)))
    (drop (call $call (i32.const 96) (i32.const 16) (local.get $lib) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 23) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 96) (i32.const 16) (local.get $lib) (i32.const 136) (i32.const 16)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
